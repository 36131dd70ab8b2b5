// The CCP protocol version, announced by `ready`.
//
// Semantic versioning of the wire format: a minor bump adds commands, messages or optional
// fields (old clients keep working because unknown fields are ignored on both sides); a
// major bump removes or changes something. Upstream koruc announces "0.1.0".
export const PROTOCOL_VERSION = "0.3.0";
