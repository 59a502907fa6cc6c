// Errors before Python can report them itself (the runtime failed to download, a chunk is
// missing): show a readable message instead of leaving the page on "loading" forever.
const message = (reason) => {
  const text = reason instanceof Error ? reason.message : String(reason ?? "unknown error");
  return `DataFlow Tasks could not start: ${text}. Reload the page to try again.`;
};

const fail = (reason) => {
  if (document.body?.dataset.appState !== "loading") return;
  document.body.dataset.appState = "error";
  const status = document.getElementById("boot-message");
  if (status) status.textContent = message(reason);
};

addEventListener("error", (event) => fail(event.error ?? event.message));
addEventListener("unhandledrejection", (event) => fail(event.reason));

// Start-up breakdown for `make bench` (bench/browser_bench.py reads these performance marks): the
// main interpreter's progress (runtime download and start, files, JS modules) as "py:<step>" marks;
// boot.py adds "dataflow:<step>" marks for our imports and the first render.
addEventListener("py:progress", (event) => performance.mark(`py:${event.detail}`));
