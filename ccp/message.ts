// The helper every message schema is built with: a `type` literal, the optional echoed `id`.
import * as z from "zod";
import { Id } from "./fields.js";

export function message<const T extends string, S extends z.ZodRawShape>(type: T, description: string, shape: S) {
  return z.object({ type: z.literal(type), id: Id.optional(), ...shape }).meta({ id: `msg.${type}`, description });
}
