// Ciphers for a worker's Python (py/dataflow/browser/webcrypto.py), where its pure-Python AES and
// RC4 take seconds a megabyte: the password hash of AES-256 PDFs (ISO 32000-2 §7.6.4.3.4, Algorithm
// 2.B: 64 or more rounds of AES-128-CBC over a few kilobytes and SHA-2; asked by
// executors/pdf/kdf.py), and AES-CBC (WebCrypto) and RC4 decryption of many values at once
// (executors/pdf/ahead.py).

const DIGESTS = ["SHA-256", "SHA-384", "SHA-512"];

function joined(...parts) {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

/** Algorithm 2.B: 32 bytes from the password (at most 127 bytes, already SASLprepped and UTF-8),
 *  the 8-byte salt and the user data (48 bytes for the owner password, else empty). As qpdf's
 *  QPDF_encryption.cc and pypdf's AlgV5.calculate_hash. */
export async function hash2B(password, salt, udata) {
  const subtle = globalThis.crypto.subtle;
  let k = new Uint8Array(await subtle.digest("SHA-256", joined(password, salt, udata)));
  for (let count = 1; ; count++) {
    const k1 = joined(password, k, udata);
    const data = new Uint8Array(k1.length * 64);
    for (let n = 0; n < 64; n++) data.set(k1, n * k1.length);
    const key = await subtle.importKey("raw", k.slice(0, 16), "AES-CBC", false, ["encrypt"]);
    // WebCrypto pads (PKCS#7): the data is whole blocks, so the first data.length bytes are the
    // unpadded CBC that Algorithm 2.B asks for, and the extra block is dropped.
    const e = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv: k.slice(16, 32) }, key, data), 0, data.length);
    let sum = 0;
    for (let n = 0; n < 16; n++) sum += e[n];
    k = new Uint8Array(await subtle.digest(DIGESTS[sum % 3], e));
    if (count >= 64 && e[e.length - 1] <= count - 32) return k.slice(0, 32);
  }
}

/** RC4 (the cipher of ISO 32000-2 §7.6.3.2) from its state after key scheduling (256 bytes), over
 *  `data`: WebCrypto has no RC4, and this loop runs at hundreds of megabytes a second here against
 *  a few in the worker's Python. */
function rc4(state, data) {
  const s = Uint8Array.from(state);
  const out = new Uint8Array(data.length);
  let i = 0, j = 0;
  for (let k = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    const si = s[i];
    j = (j + si) & 255;
    const sj = s[j];
    s[i] = sj;
    s[j] = si;
    out[k] = data[k] ^ s[(si + sj) & 255];
  }
  return out;
}

/** Each [cipher, key, iv, data] (Uint8Arrays after the cipher's name) decrypted: "AES-CBC" (NIST SP
 *  800-38A §6.2, PKCS#7 padding removed; a 16 or 32-byte key) or "RC4" (the key being the state after
 *  key scheduling, no iv). A Uint8Array each, or null where it cannot be (bad padding, a key of
 *  another size, another cipher). */
export async function decryptMany(jobs) {
  const subtle = globalThis.crypto.subtle;
  const keys = new Map();
  return Promise.all(jobs.map(async ([cipher, key, iv, data]) => {
    try {
      if (cipher === "RC4") return key.length === 256 ? rc4(key, data) : null;
      if (cipher !== "AES-CBC") return null;
      const id = Array.from(key).join(",");
      if (!keys.has(id)) keys.set(id, subtle.importKey("raw", key, "AES-CBC", false, ["decrypt"]));
      return new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv }, await keys.get(id), data));
    } catch {
      return null;
    }
  }));
}
