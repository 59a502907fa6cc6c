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

async function register() {
  if (!("serviceWorker" in navigator)) {
    root.dataset.offline = "unsupported";
    return;
  }
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
