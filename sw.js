// DataFlow Tasks service worker: the whole app offline after one visit.
// static/vendor/precache.js (written by tools/build_site.py) lists every file with its sha256.
// Install fetches them all, checks each hash and stores them in a cache named after the list's
// version; only a complete, verified copy of one version is ever served. Activation deletes the
// caches of other versions. A new version waits until the page asks it to take over.
const MANIFEST = "static/vendor/precache.js";
importScripts("./" + MANIFEST);

const PREFIX = "dataflow-";
const CACHE = PREFIX + self.PRECACHE.version;
const SCOPE = new URL(self.registration.scope);
const PARALLEL = 6;

async function digest(buffer) {
  const hash = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(hash)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function fetchVerified(cache, [path, sha]) {
  const url = new URL(path, SCOPE).href;
  const response = await fetch(url, { cache: "reload" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const body = await response.clone().arrayBuffer();
  if ((await digest(body)) !== sha) throw new Error(`${path}: content does not match this version`);
  await cache.put(url, response);
}

async function cacheManifest(cache) {
  // The manifest cannot list its own hash; it is checked by the version it declares instead.
  const url = new URL(MANIFEST, SCOPE).href;
  const response = await fetch(url, { cache: "reload" });
  const text = await response.clone().text();
  if (!response.ok || !text.includes(`"version": "${self.PRECACHE.version}"`)) {
    throw new Error(`${MANIFEST}: not the manifest of version ${self.PRECACHE.version}`);
  }
  await cache.put(url, response);
}

async function install() {
  const cache = await caches.open(CACHE);
  const queue = [...self.PRECACHE.files];
  const work = async () => { while (queue.length) await fetchVerified(cache, queue.shift()); };
  try {
    await Promise.all([cacheManifest(cache), ...Array.from({ length: PARALLEL }, work)]);
  } catch (error) {
    await caches.delete(CACHE); // never keep half a version
    throw error;
  }
  if (!self.registration.active) await self.skipWaiting(); // the first version needs no hand-over
}

async function activate() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
  }
  await self.clients.claim();
}

async function respond(request) {
  const cache = await caches.open(CACHE);
  const path = new URL(request.url).pathname;
  const navigation = request.mode === "navigate" && (path === SCOPE.pathname || path.endsWith("/index.html"));
  const cached = navigation
    ? await cache.match(new URL("index.html", SCOPE).href)
    : await cache.match(request, { ignoreSearch: true });
  return cached ?? fetch(request);
}

self.addEventListener("install", (event) => event.waitUntil(install()));
self.addEventListener("activate", (event) => event.waitUntil(activate()));
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) {
    return;
  }
  event.respondWith(respond(event.request));
});
