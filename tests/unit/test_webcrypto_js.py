"""static/webcrypto.js run in Node, whose WebCrypto is the same API as the browser's: the same
Algorithm 2.B hashes as executors/pdf/kdf.py (itself checked against pypdf), and the same AES-CBC
plaintexts as executors/pdf/aes.py (null where the padding is wrong)."""

import json
import shutil
import subprocess
from pathlib import Path

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
const jobs = JSON.parse(process.argv[2]).map((job) => job.map((h) => new Uint8Array(Buffer.from(h, "hex"))));
const found = await decryptMany(jobs);
console.log(JSON.stringify(found.map((value) => value === null ? null : Buffer.from(value).toString("hex"))));
"""


def test_webcrypto_decrypts_as_the_python_aes_and_refuses_bad_padding():
    jobs, expected = [], []
    for size, key in ((0, bytes(range(16))), (5, bytes(range(32))), (16, bytes(range(16))), (1000, bytes(range(32)))):
        stored = CryptAES(key).encrypt(bytes(range(256)) * 4 if size == 1000 else b"p" * size)
        jobs.append([key.hex(), stored[:16].hex(), stored[16:].hex()])
        expected.append(CryptAES(key).decrypt(stored).hex())
    unpadded = aes_cbc_encrypt(bytes(16), bytes(16), b"q" * 32)  # no PKCS#7 padding: refused
    jobs.append([bytes(16).hex(), bytes(16).hex(), unpadded.hex()])
    expected.append(None)
    jobs.append([b"short".hex(), bytes(16).hex(), unpadded.hex()])  # not an AES key: refused
    expected.append(None)
    assert node_result(DECRYPT, jobs) == expected
