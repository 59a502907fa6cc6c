// IndexedDB for file bytes, per-page parts and results: one object store of string keys.
// Used by the main thread (to keep dropped files, offer downloads, delete) and by the PDF worker
// (to read files and write results), so bytes never cross between them through Python.
const DB_NAME = "dataflow";
const STORE = "blobs";
const VERSION = 1;

let opening = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function database() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => { opening = null; reject(req.error); };
      req.onblocked = () => reject(new Error("IndexedDB is blocked by another tab of an older version"));
    });
  }
  return opening;
}

async function transaction(mode, work) {
  const db = await database();
  const tx = db.transaction(STORE, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    tx.onerror = () => reject(tx.error);
  });
  const result = await work(tx.objectStore(STORE));
  await done;
  return result;
}

const range = (prefix) => IDBKeyRange.bound(prefix, prefix + "\uffff");

/** The stored value (a Blob, a string) or null. */
export async function get(key) {
  const value = await transaction("readonly", (store) => request(store.get(key)));
  return value === undefined ? null : value;
}

/** The stored value with Blobs read into a Uint8Array (strings stay strings), or null. */
export async function getBytes(key) {
  const value = await get(key);
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  return value;
}

/** [the stored Blob's size, its bytes [start, end) as a Uint8Array], or null unless a Blob is stored. */
export async function getRange(key, start, end) {
  const value = await get(key);
  if (!(value instanceof Blob)) return null;
  return [value.size, new Uint8Array(await value.slice(start, end).arrayBuffer())];
}

const stored = (value, mime) => (value instanceof Uint8Array || value instanceof ArrayBuffer
  ? new Blob([value], { type: mime || "application/octet-stream" })
  : value);

/** Store a string, a Blob, or bytes (kept as a Blob of the given MIME type). */
export async function put(key, value, mime) {
  await transaction("readwrite", (store) => request(store.put(stored(value, mime), key)));
}

/** Store [key, value, mime] entries in one transaction (all or nothing). */
export async function putMany(entries) {
  await transaction("readwrite", (store) => {
    for (const [key, value, mime] of entries) store.put(stored(value, mime), key);
  });
}

/** A value written in pieces and stored once complete (core/blobs.py BlobWriter): each append becomes
 *  one Blob at once, so its bytes leave the caller's memory, and a stored part is the stored Blob
 *  itself, used without reading it. Nothing is stored before commit. */
class Builder {
  constructor() { this.parts = []; }

  /** Append pieces in order: bytes (Uint8Array), or [key, size, offset, length] of a stored Blob: its
   *  `length` bytes at `offset` (a slice, not a copy), the Blob being `size` bytes long. Returns the
   *  index of a stored piece that is missing or not of its size (nothing is appended then), or -1. */
  async append(pieces) {
    const keys = [...new Set(pieces.filter((piece) => Array.isArray(piece)).map(([key]) => key))];
    const values = keys.length  // each stored value once, however many parts of it (a pack's) are used
      ? await transaction("readonly", (store) => Promise.all(keys.map((key) => request(store.get(key)))))
      : [];
    const found = new Map(keys.map((key, index) => [key, values[index]]));
    const blobs = [];
    for (const [index, piece] of pieces.entries()) {
      if (!Array.isArray(piece)) { blobs.push(piece); continue; }
      const value = found.get(piece[0]);
      if (!(value instanceof Blob) || value.size !== piece[1]) return index;
      const [offset, length] = [piece[2] ?? 0, piece[3] ?? piece[1]];
      blobs.push(offset === 0 && length === value.size ? value : value.slice(offset, offset + length));
    }
    this.parts.push(new Blob(blobs));
    return -1;
  }

  /** Store the value under key with the [key, value, mime] entries beside it, in one transaction. */
  async commit(key, mime, entries) {
    const value = new Blob(this.parts, { type: mime });
    this.parts = [];
    await transaction("readwrite", (store) => {
      store.put(value, key);
      for (const [other, item, type] of entries) store.put(stored(item, type), other);
    });
  }
}

export function builder() { return new Builder(); }

/** The values of keys in one transaction, Blobs read into Uint8Arrays, null where missing. */
export async function getMany(keys) {
  const values = await transaction("readonly", (store) => Promise.all(keys.map((key) => request(store.get(key)))));
  return Promise.all(values.map(async (value) => {
    if (value === undefined) return null;
    return value instanceof Blob ? new Uint8Array(await value.arrayBuffer()) : value;
  }));
}

/** Every key that starts with prefix, sorted. */
export async function keys(prefix) {
  const found = await transaction("readonly", (store) => request(store.getAllKeys(range(prefix))));
  return found.map(String);
}

/** Delete every key that starts with prefix. */
export async function deletePrefix(prefix) {
  await transaction("readwrite", (store) => request(store.delete(range(prefix))));
}

/** Delete exactly these keys (absent ones are ignored), in one transaction. */
export async function deleteKeys(keys) {
  await transaction("readwrite", (store) => { for (const key of keys) store.delete(key); });
}

/** Bytes used and available for this origin, where the browser says. */
export async function estimate() {
  if (!navigator.storage?.estimate) return { usage: null, quota: null };
  const { usage, quota } = await navigator.storage.estimate();
  return { usage, quota };
}
