"""static/kdf.js (Algorithm 2.B with WebCrypto) run in Node, whose WebCrypto is the same API as the
browser's: the same hashes as the Python one (executors/pdf/kdf.py, itself checked against pypdf)."""

import json
import shutil
import subprocess
from pathlib import Path

from dataflow.executors.pdf import kdf
from dataflow.executors.pdf.aes import aes_cbc_encrypt

MODULE = Path(__file__).resolve().parents[2] / "static" / "kdf.js"
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


def test_the_webcrypto_hash_is_the_python_one():
    node = shutil.which("node")
    assert node, "Node.js is needed (the README's requirements)"
    cases = [[part.hex() for part in case] for case in CASES]
    run = subprocess.run([node, "--input-type=module", "-e", SCRIPT, MODULE.as_uri(), json.dumps(cases)],
                         capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(run.stdout) == [kdf.hash_2b(*case, aes_cbc_encrypt).hex() for case in CASES]
