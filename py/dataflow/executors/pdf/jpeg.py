"""Inverting a JPEG without decoding its pixels: every DCT coefficient is negated in the
entropy-coded data (Huffman codes re-emitted with the same tables, ITU-T T.81 §F.1.2), so each
sample s becomes 256 - s; the DC term of the components that map straight to a colour is also
lowered by one level as closely as its quantiser allows, which makes that 255 - s (exactly when the
quantiser divides 8). That is how /Decode [1 0 ...] is honoured on a JPEG here, where there is no
JPEG decoder. Sequential Huffman JPEGs of 1 or 3 components only; progressive, lossless,
arithmetic-coded and 4-component (Adobe CMYK) ones return None. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SOF_SEQUENTIAL = (0xC0, 0xC1)
SOF_OTHER = (0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF)


class JpegError(Exception):
    pass


@dataclass
class _Frame:
    width: int = 0
    height: int = 0
    components: list[tuple[int, int, int, int]] = field(default_factory=list)  # (id, h, v, quant table)
    quant_dc: dict[int, int] = field(default_factory=dict)  # quant table -> its DC quantiser
    dc_tables: dict[int, dict] = field(default_factory=dict)
    ac_tables: dict[int, dict] = field(default_factory=dict)
    restart: int = 0
    adobe_transform: int | None = None


def invert(data: bytes) -> tuple[bytes, bool] | None:
    """(the inverted JPEG, exact): exact is True when every sample comes out as 255 - s (up to the
    decoder's rounding), False when some come out one level higher (256 - s). None when the JPEG is
    not a sequential Huffman one or cannot be parsed."""
    for correct in (True, False):
        try:
            return _invert(data, correct)
        except _NoCode:
            continue
        except (JpegError, IndexError, KeyError, ValueError):
            return None
    return None


class _NoCode(Exception):
    """The corrected DC difference needs a Huffman code the table does not have."""


def _invert(data: bytes, correct: bool) -> tuple[bytes, bool]:
    if data[:2] != b"\xff\xd8":
        raise JpegError("no SOI")
    frame, out, position, exact = _Frame(), bytearray(b"\xff\xd8"), 2, True
    while position < len(data):
        if data[position] != 0xFF:
            raise JpegError("marker expected")
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker == 0xD9:
            return bytes(out + b"\xff\xd9"), exact
        length = int.from_bytes(data[position + 2:position + 4], "big")
        segment = data[position + 4:position + 2 + length]
        out += data[position:position + 2 + length]
        position += 2 + length
        if marker in SOF_OTHER:
            raise JpegError("not a sequential Huffman JPEG")
        if marker in SOF_SEQUENTIAL:
            _read_frame(frame, segment)
        elif marker == 0xC4:
            _read_huffman(frame, segment)
        elif marker == 0xDB:
            _read_quant(frame, segment)
        elif marker == 0xDD:
            frame.restart = int.from_bytes(segment[:2], "big")
        elif marker == 0xEE and segment[:5] == b"Adobe" and len(segment) >= 12:
            frame.adobe_transform = segment[11]
        elif marker == 0xDC:
            raise JpegError("DNL marker")
        elif marker == 0xDA:
            scan, position, scan_exact = _scan(frame, segment, data, position, correct)
            out += scan
            exact = exact and scan_exact
    raise JpegError("no EOI")


def _read_frame(frame: _Frame, segment: bytes) -> None:
    frame.height, frame.width = int.from_bytes(segment[1:3], "big"), int.from_bytes(segment[3:5], "big")
    count = segment[5]
    frame.components = [(segment[6 + 3 * i], segment[7 + 3 * i] >> 4, segment[7 + 3 * i] & 15, segment[8 + 3 * i])
                        for i in range(count)]
    if frame.height == 0 or len(frame.components) not in (1, 3):
        raise JpegError("unsupported frame")  # 4 components: Adobe CMYK conventions make inversion ambiguous


def _read_huffman(frame: _Frame, segment: bytes) -> None:
    position = 0
    while position < len(segment):
        kind, number = segment[position] >> 4, segment[position] & 15
        counts = segment[position + 1:position + 17]
        symbols = segment[position + 17:position + 17 + sum(counts)]
        position += 17 + sum(counts)
        decode, encode, code, index = {}, {}, 0, 0
        for length, count in enumerate(counts, start=1):
            for _ in range(count):
                decode[(length, code)] = symbols[index]
                encode[symbols[index]] = (length, code)
                code, index = code + 1, index + 1
            code <<= 1
        (frame.ac_tables if kind else frame.dc_tables)[number] = {"decode": decode, "encode": encode}


def _read_quant(frame: _Frame, segment: bytes) -> None:
    position = 0
    while position < len(segment):
        precision, number = segment[position] >> 4, segment[position] & 15
        frame.quant_dc[number] = (int.from_bytes(segment[position + 1:position + 3], "big") if precision
                                  else segment[position + 1])
        position += 1 + 64 * (2 if precision else 1)


class _Bits:
    """Reads entropy-coded bits (0xFF00 stuffing removed), stopping at a marker."""

    def __init__(self, data: bytes, position: int):
        self.data, self.position, self.value, self.count = data, position, 0, 0

    def bit(self) -> int:
        if self.count == 0:
            byte = self.data[self.position]
            if byte == 0xFF:
                if self.data[self.position + 1] != 0:
                    raise JpegError("marker inside a block")
                self.position += 1
            self.position += 1
            self.value, self.count = byte, 8
        self.count -= 1
        return (self.value >> self.count) & 1

    def bits(self, count: int) -> int:
        value = 0
        for _ in range(count):
            value = value << 1 | self.bit()
        return value

    def symbol(self, table: dict) -> int:
        code = 0
        for length in range(1, 17):
            code = code << 1 | self.bit()
            symbol = table.get((length, code))
            if symbol is not None:
                return symbol
        raise JpegError("bad Huffman code")

    def align(self) -> None:
        self.count = 0


class _Writer:
    def __init__(self) -> None:
        self.out, self.value, self.count = bytearray(), 0, 0

    def bits(self, value: int, count: int) -> None:
        self.value, self.count = (self.value << count) | (value & ((1 << count) - 1)), self.count + count
        while self.count >= 8:
            self.count -= 8
            byte = (self.value >> self.count) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)
        self.value &= (1 << self.count) - 1

    def flush(self) -> None:
        if self.count:
            self.bits((1 << (8 - self.count)) - 1, 8 - self.count)


def _ceil(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _category(value: int) -> int:
    return abs(value).bit_length()


def _extend(bits: int, size: int) -> int:
    return bits if size == 0 or bits >= 1 << (size - 1) else bits - (1 << size) + 1


def _amplitude(value: int, size: int) -> int:
    return value if value >= 0 else value + (1 << size) - 1


def _direct_components(frame: _Frame) -> set[int]:
    """Components whose samples are a colour value themselves (not chroma): these need the -1 level."""
    ids = [component[0] for component in frame.components]
    if len(ids) == 1 or frame.adobe_transform == 0:
        return set(ids)
    return {ids[0]}  # YCbCr: luma only; the chroma offsets invert exactly without it


def _scan(frame: _Frame, header: bytes, data: bytes, position: int, correct: bool) -> tuple[bytes, int, bool]:
    count = header[0]
    selected = [(header[1 + 2 * i], header[2 + 2 * i] >> 4, header[2 + 2 * i] & 15) for i in range(count)]
    by_id = {component[0]: component for component in frame.components}
    hmax = max(c[1] for c in frame.components)
    vmax = max(c[2] for c in frame.components)
    direct = _direct_components(frame)
    shifts, exact = {}, True
    for component_id, _, _ in selected:
        quantiser = frame.quant_dc.get(by_id[component_id][3], 0)
        if component_id in direct:
            # one level is 8 units of the DC coefficient (T.81 §A.3.3): as close to it as the quantiser allows
            shifts[component_id] = round(8 / quantiser) if correct and quantiser else 0
            exact = exact and shifts[component_id] * quantiser == 8
        else:
            shifts[component_id] = 0
    if count == 1:
        _, h, v, _ = by_id[selected[0][0]]
        columns = _ceil(_ceil(frame.width * h, hmax), 8)  # T.81 §A.2.2: the component's own blocks
        rows = _ceil(_ceil(frame.height * v, vmax), 8)
        units, blocks = columns * rows, [(selected[0], 1)]
    else:
        units = _ceil(frame.width, 8 * hmax) * _ceil(frame.height, 8 * vmax)
        blocks = [(choice, by_id[choice[0]][1] * by_id[choice[0]][2]) for choice in selected]
    reader, writer = _Bits(data, position), _Writer()
    previous = {choice[0]: (0, 0) for choice in selected}  # component -> (old DC, new DC)
    for unit in range(units):
        if frame.restart and unit and unit % frame.restart == 0:
            reader.align()
            writer.flush()
            marker = data[reader.position:reader.position + 2]
            if len(marker) < 2 or marker[0] != 0xFF or not 0xD0 <= marker[1] <= 0xD7:
                raise JpegError("restart marker expected")
            writer.out += marker
            reader.position += 2
            previous = {choice[0]: (0, 0) for choice in selected}
        for (component_id, dc, ac), repeat in blocks:
            for _ in range(repeat):
                previous[component_id] = _block(reader, writer, frame.dc_tables[dc], frame.ac_tables[ac],
                                                 previous[component_id], shifts[component_id])
    writer.flush()
    end = reader.position
    while end < len(data) and not (data[end] == 0xFF and data[end + 1] not in (0x00, *range(0xD0, 0xD8))):
        end += 1  # padding past the last unit
    return bytes(writer.out), end, exact


def _block(reader: _Bits, writer: _Writer, dc: dict, ac: dict, previous: tuple[int, int],
           shift: int) -> tuple[int, int]:
    size = reader.symbol(dc["decode"])
    old = previous[0] + _extend(reader.bits(size), size)
    new = -old - shift
    difference = new - previous[1]
    new_size = _category(difference)
    if new_size not in dc["encode"]:
        raise _NoCode
    writer.bits(dc["encode"][new_size][1], dc["encode"][new_size][0])
    writer.bits(_amplitude(difference, new_size), new_size)
    index = 1
    while index < 64:
        symbol = reader.symbol(ac["decode"])
        length, code = ac["encode"][symbol]
        writer.bits(code, length)
        run, size = symbol >> 4, symbol & 15
        if size == 0:
            if run != 15:
                break
            index += 16
            continue
        value = _extend(reader.bits(size), size)
        writer.bits(_amplitude(-value, size), size)
        index += run + 1
    return old, new
