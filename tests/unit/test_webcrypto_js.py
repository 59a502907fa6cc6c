"""static/webcrypto.js run in Node, whose WebCrypto is the same API as the browser's: the same
Algorithm 2.B hashes as executors/pdf/kdf.py (itself checked against pypdf), and the same AES-CBC and
RC4 plaintexts as executors/pdf/aes.py and pypdf's RC4 (null where one cannot be decrypted)."""

import json
import shutil
import subprocess
from pathlib import Path

from pypdf._crypt_providers._fallback import CryptRC4

from dataflow.executors.pdf import kdf
from dataflow.executors.pdf.aes import CryptAES, aes_cbc_encrypt

MODULE = Path(__file__).resolve().parents[2] / "static" / "webcrypto.js"
CASES = [(b"", b"12345678", b""), (b"secret", b"\0" * 8, b"u" * 48), (("é" * 70).encode()[:127], b"abcdefgh", b"")]
SCRIPT = """
const { hash2B } = await import(process.argv[1]);
const cases = JSON.parse(process.argv[2]);
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const out = [];
for (const [password, salt, udata] of cases) {
  out.push(hex(await hash2B(...[password, salt, udata].map((h) => new Uint8Array(Buffer.from(h, "hex"))))));
}
console.log(JSON.stringify(out));
"""


def node_result(script: str, argument: object) -> object:
    node = shutil.which("node")
    assert node, "Node.js is needed (the README's requirements)"
    run = subprocess.run([node, "--input-type=module", "-e", script, MODULE.as_uri(), json.dumps(argument)],
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(run.stdout)


def test_the_webcrypto_hash_is_the_python_one():
    cases = [[part.hex() for part in case] for case in CASES]
    assert node_result(SCRIPT, cases) == [kdf.hash_2b(*case, aes_cbc_encrypt).hex() for case in CASES]


DECRYPT = """
const { decryptMany } = await import(process.argv[1]);
const jobs = JSON.parse(process.argv[2]).map(([cipher, ...parts]) =>
  [cipher, ...parts.map((h) => new Uint8Array(Buffer.from(h, "hex")))]);
const found = await decryptMany(jobs);
console.log(JSON.stringify(found.map((value) => value === null ? null : Buffer.from(value).toString("hex"))));
"""


def test_webcrypto_decrypts_as_the_python_aes_and_rc4_and_refuses_what_it_cannot():
    jobs, expected = [], []
    for size, key in ((0, bytes(range(16))), (5, bytes(range(32))), (16, bytes(range(16))), (1000, bytes(range(32)))):
        stored = CryptAES(key).encrypt(bytes(range(256)) * 4 if size == 1000 else b"p" * size)
        jobs.append(["AES-CBC", key.hex(), stored[:16].hex(), stored[16:].hex()])
        expected.append(CryptAES(key).decrypt(stored).hex())
    for key in (b"k" * 5, bytes(range(16))):  # RC4-40 and RC4-128 keys; the job carries the scheduled state
        rc4 = CryptRC4(key)
        data = rc4.encrypt(bytes(range(256)) * 3)
        jobs.append(["RC4", bytes(rc4.s).hex(), "", data.hex()])
        expected.append(rc4.decrypt(data).hex())
    unpadded = aes_cbc_encrypt(bytes(16), bytes(16), b"q" * 32)  # no PKCS#7 padding: refused
    jobs += [["AES-CBC", bytes(16).hex(), bytes(16).hex(), unpadded.hex()],
             ["AES-CBC", b"short".hex(), bytes(16).hex(), unpadded.hex()],  # not an AES key
             ["RC4", b"short".hex(), "", unpadded.hex()],  # not a scheduled state
             ["DES", bytes(8).hex(), "", unpadded.hex()]]  # no such cipher here
    expected += [None] * 4
    assert node_result(DECRYPT, jobs) == expected
