// IndexedDB for file bytes, per-page parts and results: one object store of string keys.
// Used by the main thread (to keep dropped files, offer downloads, delete) and by the PDF worker
// (to read files and write results), so bytes never cross between them through Python.
const DB_NAME = "dataflow";
const STORE = "blobs";
const VERSION = 1;

let opening = null;
let opened = null;  // the database once open: a write can then start at once (putManyNow)

/** A real Error for whatever IndexedDB failed with: the browser's DOMException (QuotaExceededError when
 *  the storage is full) has no stack, so Pyodide would not take it for an error and an awaiting Python
 *  coroutine would never learn of the failure. Its name and message are kept (blob_store.py sorts by
 *  name). */
function failure(cause, fallback) {
  if (cause instanceof Error && typeof cause.stack === "string") return cause;
  const error = new Error(cause?.message || fallback);
  error.name = cause?.name || "Error";
  return error;
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(failure(req.error, "an IndexedDB request failed"));
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
        db.onversionchange = () => { db.close(); opening = null; opened = null; };
        opened = db;
        resolve(db);
      };
      req.onerror = () => { opening = null; reject(failure(req.error, "IndexedDB could not be opened")); };
      req.onblocked = () => reject(new Error("IndexedDB is blocked by another tab of an older version"));
    });
  }
  return opening;
}

/** work(store)'s result once the transaction is committed; rejects with an Error (see failure) when a
 *  request fails or the transaction aborts: a Blob over the quota is written (onsuccess), then the
 *  transaction aborts with QuotaExceededError. */
async function transaction(mode, work) {
  try {
    return await inTransaction(await database(), mode, work, false);
  } catch (error) {
    throw failure(error, "IndexedDB failed");
  }
}

/** See transaction; up to work()'s first await, this runs before it returns. `commitNow`: commit as
 *  soon as work() has made its requests (it must make them all at once), so the browser completes the
 *  transaction while this thread runs on, not once it is back in its event loop. */
async function inTransaction(db, mode, work, commitNow) {
  const tx = db.transaction(STORE, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(failure(tx.error, "the IndexedDB transaction was aborted"));
    tx.onerror = (event) => reject(failure(event.target?.error ?? tx.error, "an IndexedDB request failed"));
  });
  done.catch(() => {});  // awaited below; when work() fails first, its error is the one reported
  const working = work(tx.objectStore(STORE));
  if (commitNow) tx.commit();
  const result = await working;
  await done;
  return result;
}

/** A Blob's bytes as a Uint8Array; a Blob the browser cannot read (NotReadableError) rejects as an Error. */
async function bytesOf(blob) {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (error) {
    throw failure(error, "a stored Blob could not be read");
  }
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
  if (value instanceof Blob) return bytesOf(value);
  return value;
}

/** [the stored Blob's size, its bytes [start, end) as a Uint8Array], or null unless a Blob is stored. */
export async function getRange(key, start, end) {
  const value = await get(key);
  if (!(value instanceof Blob)) return null;
  return [value.size, await bytesOf(value.slice(start, end))];
}

/** Bytes lent by Python (blob_store.py, ffi.Lender: a PyProxy over a bytes object) as a view of the
 *  interpreter's memory, valid until released: the Blob copies it, so it is released at once. */
const lent = (value) => typeof value?.getBuffer === "function";

function bytesBlob(value, mime) {
  const options = { type: mime || "application/octet-stream" };
  if (!lent(value)) return new Blob([value], options);
  const buffer = value.getBuffer("u8");
  try { return new Blob([buffer.data], options); } finally { buffer.release(); }
}

const stored = (value, mime) => (value instanceof Uint8Array || value instanceof ArrayBuffer || lent(value)
  ? bytesBlob(value, mime)
  : value);

/** Blobs this context made from bytes and stored, by key, so that a value written in pieces (Builder)
 *  is composed of them without reading them back: in the PDF worker, the packs of a result's images
 *  (reading them back took 30-45 ms of a finish of 0.1 s, a readonly transaction queued behind the
 *  writes). None is kept unless a context asks (keepWritten): a Blob holds its bytes in the browser's
 *  memory while referenced. A key is dropped once a Builder has stored a value made of it, once it
 *  is written or deleted here, or on dropWritten; another context's write or delete is not seen, so a kept Blob is
 *  used only where its size is the one the Builder is given (the bytes stored under a key of a part
 *  do not change: a part is extracted again the same). */
let keptLimit = 0;
const written = new Map();
let writtenBytes = 0;

/** Keep at most `bytes` of the Blobs this context stores from bytes (see `written`; the oldest are
 *  dropped first; 0, the default: none). */
export function keepWritten(bytes) {
  keptLimit = Math.max(0, Number(bytes) || 0);
  evict();
}

/** Drop what is kept (see `written`) under keys that start with `prefix`: nothing is read or deleted. */
export function dropWritten(prefix) {
  for (const key of [...written.keys()]) if (key.startsWith(prefix)) forget(key);
}

function evict() {
  for (const [oldest] of written) {
    if (writtenBytes <= keptLimit) break;
    forget(oldest);
  }
}

function forget(key) {
  const blob = written.get(key);
  if (blob === undefined) return;
  written.delete(key);
  writtenBytes -= blob.size;
}

function remember(key, value) {
  forget(key);
  if (!(value instanceof Blob) || value.size > keptLimit) return;
  written.set(key, value);
  writtenBytes += value.size;
  evict();
}

/** [key, the value to store, whether it is a Blob made here from bytes] */
function storedEntry([key, value, mime]) {
  const made = stored(value, mime);
  return [key, made, made !== value && made instanceof Blob];
}

/** Once `done` has succeeded, keep the Blobs made here from bytes (see `written`). */
function rememberWhenStored(done, entries) {
  for (const [key] of entries) forget(key);
  return done.then((result) => {
    for (const [key, value, made] of entries) if (made) remember(key, value);
    return result;
  });
}

/** Store a string, a Blob, or bytes (kept as a Blob of the given MIME type). */
export async function put(key, value, mime) {
  const entries = [storedEntry([key, value, mime])];
  await rememberWhenStored(transaction("readwrite", (store) => request(store.put(entries[0][1], key))), entries);
}

/** Store [key, value, mime] entries in one transaction (all or nothing). */
export async function putMany(entries) {
  const values = entries.map(storedEntry);
  await rememberWhenStored(transaction("readwrite", (store) => {
    for (const [key, value] of values) store.put(value, key);
  }), values);
}

/** putMany started before this returns: the Blobs made (lent bytes are copied, so the caller may
 *  release them at once), the requests made and the transaction committed; the promise settles as
 *  putMany's does. Once the database is open (else it starts when it is). Its rejection is handled
 *  here too, so it is not reported as unhandled while the caller has not awaited it yet. */
export function putManyNow(entries) {
  const values = entries.map(storedEntry);
  const write = (store) => { for (const [key, value] of values) store.put(value, key); };
  const done = rememberWhenStored(opened
    ? inTransaction(opened, "readwrite", write, true).catch((error) => { throw failure(error, "IndexedDB failed"); })
    : transaction("readwrite", write), values);
  done.catch(() => {});
  return done;
}

/** key -> the stored value of each key of `sizes` (key -> the size its value must have): the Blob
 *  kept from this context's own write of it (`written`) where it has that size, else the value read,
 *  all in one transaction; undefined where none is stored. */
async function storedBlobs(sizes) {
  const kept = (key) => written.get(key)?.size === sizes.get(key);
  const keys = [...sizes.keys()];
  const reading = keys.filter((key) => !kept(key));
  const values = reading.length
    ? await transaction("readonly", (store) => Promise.all(reading.map((key) => request(store.get(key)))))
    : [];
  const found = new Map(reading.map((key, index) => [key, values[index]]));
  for (const key of keys) if (kept(key)) found.set(key, written.get(key));
  return found;
}

/** A value written in pieces and stored once complete (core/blobs.py BlobWriter): each append becomes
 *  one Blob at once, so its bytes leave the caller's memory, and a stored part is the stored Blob
 *  itself, used without reading it. Nothing is stored before commit. */
class Builder {
  constructor() { this.parts = []; this.used = new Set(); }

  /** Append pieces in order: bytes (Uint8Array, or lent: see bytesBlob), or [key, size, offset, length] of a stored Blob: its
   *  `length` bytes at `offset` (a slice, not a copy), the Blob being `size` bytes long. Returns the
   *  index of a stored piece that is missing or not of its size (nothing is appended then), or -1. */
  async append(pieces) {
    // each stored value once, however many parts of it (a pack's) are used
    const sizes = new Map(pieces.filter((piece) => Array.isArray(piece)).map(([key, size]) => [key, size]));
    const found = await storedBlobs(sizes);
    for (const key of sizes.keys()) this.used.add(key);
    const blobs = [];
    for (const [index, piece] of pieces.entries()) {
      if (!Array.isArray(piece)) { blobs.push(lent(piece) ? bytesBlob(piece) : piece); continue; }
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
    const values = entries.map(storedEntry);
    await rememberWhenStored(transaction("readwrite", (store) => {
      store.put(value, key);
      for (const [other, item] of values) store.put(item, other);
    }), values);
    forget(key);
    for (const used of this.used) forget(used);  // their task's parts: deleted once its result is saved
    this.used.clear();
  }
}

export function builder() { return new Builder(); }

/** The values of keys in one transaction, Blobs read into Uint8Arrays, null where missing. */
export async function getMany(keys) {
  const values = await transaction("readonly", (store) => Promise.all(keys.map((key) => request(store.get(key)))));
  return Promise.all(values.map(async (value) => {
    if (value === undefined) return null;
    return value instanceof Blob ? bytesOf(value) : value;
  }));
}

/** Every key that starts with prefix, sorted. */
export async function keys(prefix) {
  const found = await transaction("readonly", (store) => request(store.getAllKeys(range(prefix))));
  return found.map(String);
}

/** Delete every key that starts with prefix. */
export async function deletePrefix(prefix) {
  dropWritten(prefix);
  await transaction("readwrite", (store) => request(store.delete(range(prefix))));
}

/** Delete exactly these keys (absent ones are ignored), in one transaction. */
export async function deleteKeys(keys) {
  for (const key of keys) forget(key);
  await transaction("readwrite", (store) => { for (const key of keys) store.delete(key); });
}

/** Bytes used and available for this origin, where the browser says. */
export async function estimate() {
  if (!navigator.storage?.estimate) return { usage: null, quota: null };
  const { usage, quota } = await navigator.storage.estimate();
  return { usage, quota };
}
