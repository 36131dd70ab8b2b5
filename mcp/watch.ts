// Watch mode: edits to .kz files and koru.variants.json under the root update the resources
// that show them, and add/remove changes the resource list.
import { relative, sep } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import type { KoruServer } from "./server.js";

const IGNORED_DIRS = new Set([".koru", ".git", "node_modules", "dist", ".tools", "zig-cache", ".zig-cache"]);

export function watchWorkspace(server: KoruServer): FSWatcher {
  const root = server.services.root;
  const notifier = server.services.notifier;
  const watcher = watch(root, {
    ignoreInitial: true,
    ignored: (path, stats) => {
      const rel = relative(root, path);
      if (rel === "") return false;
      if (rel.split(sep).some((part) => IGNORED_DIRS.has(part))) return true;
      // Only files that matter; folders must pass so their files are seen.
      return (
        !!stats?.isFile() &&
        !path.endsWith(".kz") &&
        !path.endsWith("koru.variants.json") &&
        !path.endsWith("koru.json")
      );
    },
    depth: 12,
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
  });
  watcher.on("all", (event, path) => {
    const rel = relative(root, path).split(sep).join("/");
    const added = event === "add" || event === "unlink";
    if (path.endsWith(".kz")) {
      if (added) notifier.resourceListChanged();
      notifier.resourceUpdated(`koru://source/${encodeURI(rel)}`);
      notifier.resourceUpdated(`koru://ast/${encodeURI(rel)}`);
      notifier.resourceUpdated("koru://events");
      if (rel.endsWith(".variants.kz"))
        for (const uri of server.subscribed()) if (uri.startsWith("koru://variants/")) notifier.resourceUpdated(uri);
    } else if (rel.endsWith("koru.variants.json")) {
      notifier.resourceListChanged();
      for (const uri of server.subscribed()) if (uri.startsWith("koru://variants/")) notifier.resourceUpdated(uri);
      notifier.resourceUpdated("koru://events");
    } else if (rel === "koru.json") {
      notifier.resourceUpdated("koru://events");
    }
  });
  watcher.on("error", (e) => process.stderr.write(`koru-mcp: watch: ${e instanceof Error ? e.message : String(e)}\n`));
  return watcher;
}
