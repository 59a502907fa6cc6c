"""Alpha planes from soft, stencil and colour-key masks, with the spec's precedence."""

from pypdf.generic import NameObject, NumberObject

from dataflow.executors.pdf.masks import alpha_of
from tests.unit.pdf.fidelity_pdfs import encoded, flate, numbers, pack, true


def image(**entries):
    return encoded(b"", [], Width=NumberObject(4), Height=NumberObject(1), **entries)


def soft(values: bytes, **entries):
    return encoded(flate(values), ["/FlateDecode"], Width=NumberObject(len(values)), Height=NumberObject(1),
                   BitsPerComponent=NumberObject(8), ColorSpace=NameObject("/DeviceGray"), **entries)


def stencil(bits: list[int], **entries):
    return encoded(flate(pack(bits, len(bits), 1, 1)), ["/FlateDecode"], Width=NumberObject(len(bits)),
                   Height=NumberObject(1), ImageMask=true(), **entries)


def test_an_image_without_a_mask_is_opaque():
    assert alpha_of(image()) is None


def test_a_soft_mask_wins_over_a_mask():
    alpha = alpha_of(image(SMask=soft(b"\x00\x40\x80\xff"), Mask=stencil([1, 1, 1, 1])))
    assert alpha.kind == "soft mask" and alpha.plane == b"\x00\x40\x80\xff"


def test_a_soft_mask_honours_its_decode_and_mentions_matte():
    alpha = alpha_of(image(SMask=soft(b"\x00\xff", Decode=numbers(1, 0), Matte=numbers(0))))
    assert alpha.plane == b"\xff\x00" and "Matte" in alpha.note


def test_stencil_ones_are_transparent_unless_its_decode_inverts_them():
    assert alpha_of(image(Mask=stencil([1, 0, 0, 1]))).plane == b"\x00\xff\xff\x00"
    assert alpha_of(image(Mask=stencil([1, 0, 0, 1], Decode=numbers(1, 0)))).plane == b"\xff\x00\x00\xff"


def test_colour_key_masks_pixels_whose_every_component_is_in_range():
    values = bytearray([10, 200, 10, 10, 50, 50, 200, 200])  # 4 px of 2 components
    alpha = alpha_of(image(Mask=numbers(0, 60, 0, 60)), values, 2, 8)
    assert alpha.plane == b"\xff\x00\x00\xff"


def test_colour_key_at_16_bits_and_malformed_ranges():
    assert alpha_of(image(Mask=numbers(0, 300)), [100, 400, 300, 0], 1, 16).plane == b"\x00\xff\x00\x00"
    malformed = alpha_of(image(Mask=numbers(0)), bytearray(4), 1, 8)
    assert malformed.plane is None and "malformed" in malformed.note


def test_a_jpeg_soft_mask_comes_back_as_its_file():
    alpha = alpha_of(image(SMask=encoded(b"\xff\xd8jpeg", ["/DCTDecode"], Width=NumberObject(2),
                                         Height=NumberObject(2))))
    assert alpha.plane is None and alpha.file == (".jpg", b"\xff\xd8jpeg", "image/jpeg") and alpha.width == 2
