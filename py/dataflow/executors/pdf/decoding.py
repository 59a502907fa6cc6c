"""Undoing a stream's filters and predictors, to the image samples they encode. pypdf's own decoders
do the decompression (they enforce its size limits); the predictors are ours, because pypdf applies
none after LZW, computes the PNG predictor's bytes per pixel as 0 below 8 bits, and adds the TIFF
predictor byte by byte, which is wrong at 16 bits (ISO 32000-2 §7.4.4.4; TIFF 6.0 §14).

Image codecs (DCT, JPX, CCITT, JBIG2) are not undone here: `codec_of` names them so the caller can
keep their data as a file. Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

from pypdf.filters import ASCII85Decode, ASCIIHexDecode, FlateDecode, LZWDecode, RunLengthDecode
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

FILTER_ALIASES = {"/AHx": "/ASCIIHexDecode", "/A85": "/ASCII85Decode", "/LZW": "/LZWDecode",
                  "/Fl": "/FlateDecode", "/RL": "/RunLengthDecode", "/CCF": "/CCITTFaxDecode",
                  "/DCT": "/DCTDecode"}
CODECS = ("/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode")
MAX_FILTERS = 8


class UnsupportedFilter(Exception):
    """A filter (or predictor) this module cannot undo; the message names it."""


def filter_names(stream: StreamObject) -> list[str]:
    """The stream's /Filter as full names, in order ([] without one)."""
    value = stream.get("/Filter")
    value = value.get_object() if value is not None else None
    names = list(value) if isinstance(value, list) else ([value] if value else [])
    return [FILTER_ALIASES.get(str(name), str(name)) for name in names]


def filter_parameters(stream: StreamObject) -> list[DictionaryObject]:
    """One /DecodeParms dictionary per filter (empty where there is none)."""
    count = len(filter_names(stream))
    value = stream.get("/DecodeParms", stream.get("/DP"))
    value = value.get_object() if value is not None else None
    items = list(value) if isinstance(value, list) else [value]
    params = []
    for index in range(count):
        entry = items[index] if index < len(items) else None
        item = entry.get_object() if entry is not None else None
        params.append(item if isinstance(item, DictionaryObject) else DictionaryObject())
    return params


def codec_of(stream: StreamObject) -> str | None:
    """The image codec that ends the filter chain (/DCTDecode ...), or None for plain samples."""
    names = filter_names(stream)
    return names[-1] if names and names[-1] in CODECS else None


def decoded_data(stream: StreamObject, *, stop_at_codec: bool = True) -> bytes:
    """The stream's data with every filter before the image codec (or every filter) undone.

    Raises UnsupportedFilter for a filter other than ASCIIHex, ASCII85, LZW, Flate, RunLength (or
    a codec when stop_at_codec is False), and pypdf's errors (LimitReachedError ...) as they are."""
    names, params = filter_names(stream), filter_parameters(stream)
    if len(names) > MAX_FILTERS:
        raise UnsupportedFilter(f"{len(names)} filters in a row")
    data = bytes(stream._data)
    for name, param in zip(names, params, strict=True):
        if name in CODECS:
            if stop_at_codec:
                break
            raise UnsupportedFilter(f"{name[1:]} data cannot be decoded here")
        data = _undo(name, data, param)
    return data


def _undo(name: str, data: bytes, param: DictionaryObject) -> bytes:
    if name == "/ASCIIHexDecode":
        return ASCIIHexDecode.decode(data)
    if name == "/ASCII85Decode":
        return ASCII85Decode.decode(data)
    if name == "/RunLengthDecode":
        return RunLengthDecode.decode(data)
    if name in ("/FlateDecode", "/LZWDecode"):
        data = FlateDecode.decode(data) if name == "/FlateDecode" else LZWDecode.decode(data)
        return unpredict(data, param)
    raise UnsupportedFilter(f"the filter {name[1:]} is not supported")


def _integer(param: DictionaryObject, key: str, default: int) -> int:
    value = param.get(key, default)
    value = value.get_object() if hasattr(value, "get_object") else value
    return int(value)


def unpredict(data: bytes, param: DictionaryObject) -> bytes:
    """Undo the /Predictor of /DecodeParms (1: none, 2: TIFF, 10-15: PNG) at any bit depth."""
    predictor = _integer(param, "/Predictor", 1)
    if predictor == 1:
        return data
    colors, bits = _integer(param, "/Colors", 1), _integer(param, "/BitsPerComponent", 8)
    columns = _integer(param, "/Columns", 1)
    if not (1 <= colors <= 32 and bits in (1, 2, 4, 8, 16) and 1 <= columns <= 1 << 20):
        raise UnsupportedFilter(f"predictor parameters Colors {colors}, BitsPerComponent {bits}, "
                                f"Columns {columns}")
    if predictor == 2:
        return tiff_unpredict(data, colors, bits, columns)
    if 10 <= predictor <= 15:
        return png_unpredict(data, colors, bits, columns)
    raise UnsupportedFilter(f"the predictor {predictor} is not defined")


def png_unpredict(data: bytes, colors: int, bits: int, columns: int) -> bytes:
    """Rows each led by a PNG filter type byte (PNG spec §9), the bytes per pixel rounded up to 1."""
    stride = (colors * bits * columns + 7) // 8
    bpp = max(1, colors * bits // 8)
    out = bytearray()
    previous = bytearray(stride)
    for start in range(0, len(data), stride + 1):
        kind = data[start]
        row = bytearray(data[start + 1:start + 1 + stride].ljust(stride, b"\0"))
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                upleft = previous[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + _paeth(left, previous[i], upleft)) & 0xFF
        elif kind != 0:
            raise UnsupportedFilter(f"PNG row filter {kind} is not defined")
        out += row
        previous = row
    return bytes(out)


def _paeth(left: int, up: int, upleft: int) -> int:
    estimate = left + up - upleft
    distances = abs(estimate - left), abs(estimate - up), abs(estimate - upleft)
    if distances[0] <= distances[1] and distances[0] <= distances[2]:
        return left
    return up if distances[1] <= distances[2] else upleft


def tiff_unpredict(data: bytes, colors: int, bits: int, columns: int) -> bytes:
    """TIFF predictor 2: each sample is stored as its difference from the same component of the pixel
    on its left, modulo 2**bits; samples are added as whole values (carrying across bytes at 16 bits,
    wrapping within the sample below 8)."""
    stride = (colors * bits * columns + 7) // 8
    out = bytearray()
    for start in range(0, len(data), stride):
        row = bytearray(data[start:start + stride].ljust(stride, b"\0"))
        if bits == 8:
            for i in range(colors, colors * columns):
                row[i] = (row[i] + row[i - colors]) & 0xFF
        elif bits == 16:
            for i in range(2 * colors, 2 * colors * columns, 2):
                value = ((row[i] << 8 | row[i + 1]) + (row[i - 2 * colors] << 8 | row[i - 2 * colors + 1])) & 0xFFFF
                row[i], row[i + 1] = value >> 8, value & 0xFF
        else:
            row = _tiff_low_bits(row, colors, bits, columns)
        out += row
    return bytes(out)


def _tiff_low_bits(row: bytearray, colors: int, bits: int, columns: int) -> bytearray:
    mask, count = (1 << bits) - 1, colors * columns
    values = [(row[(i * bits) // 8] >> (8 - bits - (i * bits) % 8)) & mask for i in range(count)]
    for i in range(colors, count):
        values[i] = (values[i] + values[i - colors]) & mask
    packed = bytearray(len(row))
    for i, value in enumerate(values):
        packed[(i * bits) // 8] |= value << (8 - bits - (i * bits) % 8)
    return packed


PHOTOMETRIC = 262  # TIFF tag: 0 WhiteIsZero, 1 BlackIsZero


def ccitt_tiff(stream: StreamObject, *, invert: bool = False) -> bytes:
    """A CCITT stream as a TIFF file (pypdf writes the header); `invert` swaps the photometric
    interpretation, which is how a /Decode [1 0] is honoured without decoding the fax data."""
    from pypdf.filters import CCITTFaxDecode

    names, params = filter_names(stream), filter_parameters(stream)
    param = params[names.index("/CCITTFaxDecode")]
    if "/Columns" not in param:  # the spec's default is 1728; the image's width is what is meant
        param = DictionaryObject(param)
        param[NameObject("/Columns")] = NumberObject(int(stream.get("/Width", 1728)))
    tiff = bytearray(CCITTFaxDecode.decode(decoded_data(stream), param, int(stream.get("/Height", 0))))
    if invert:
        count = int.from_bytes(tiff[8:10], "little")
        for entry in range(10, 10 + 12 * count, 12):
            if int.from_bytes(tiff[entry:entry + 2], "little") == PHOTOMETRIC:
                value = int.from_bytes(tiff[entry + 8:entry + 10], "little")
                tiff[entry + 8:entry + 10] = (1 - value if value in (0, 1) else value).to_bytes(2, "little")
    return bytes(tiff)
