// Offline support on the page side: register the service worker, say when this version is
// cached for offline use, and offer "update available, reload" when a newer one is ready.
const root = document.documentElement;
const version = self.PRECACHE?.version ?? "dev";

function showVersion() {
  const node = document.getElementById("app-version");
  if (node) node.textContent = version;
}

function offerUpdate(worker) {
  const banner = document.getElementById("update-banner");
  if (!banner) return;
  banner.hidden = false;
  root.dataset.update = "available";
  banner.querySelector("button").addEventListener("click", () => {
    root.dataset.update = "requested";
    worker.postMessage("skip-waiting");
  }, { once: true });
}

const STARTED = ["ready", "error"];
const START_WAIT_MS = 30000;

/** On a first visit the service worker's install downloads every file of the app to cache it: it
 *  waits until the page has started (<body data-app-state> ready or error, at most START_WAIT_MS),
 *  so those downloads do not compete with the page's own start-up. */
function started() {
  if (STARTED.includes(document.body?.dataset.appState)) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (STARTED.includes(document.body.dataset.appState)) { observer.disconnect(); resolve(); }
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-app-state"] });
    setTimeout(() => { observer.disconnect(); resolve(); }, START_WAIT_MS);
  });
}

async function register() {
  if (!("serviceWorker" in navigator)) {
    root.dataset.offline = "unsupported";
    return;
  }
  if (!navigator.serviceWorker.controller) await started();  // a return visit: the cache serves start-up
  const registration = await navigator.serviceWorker.register("./sw.js", { updateViaCache: "none" });
  const controlled = () => {
    if (navigator.serviceWorker.controller) root.dataset.offline = "ready";
  };
  controlled();
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (root.dataset.update === "requested") location.reload();
    else controlled();
  });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
}

showVersion();
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showVersion);
register().catch((error) => {
  root.dataset.offline = "error";
  console.warn("Offline support is unavailable:", error);
});
