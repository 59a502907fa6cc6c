"""static/idb.js in Chromium, below the UI: what a context keeps of the Blobs it stored (keepWritten)
to compose a value written in pieces (its Builder) without reading them back, and that the value is
the same either way. Two pages of one origin stand for two contexts (the PDF worker and the main
thread that deletes a finished task's parts)."""

from playwright.sync_api import Page

IMPORT = "const idb = await import(new URL('idb.js', location.href));"
BYTES = "const bytes = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);"


def run(page: Page, body: str, arg=None):
    """`body` run in the page as an async function of `arg`, with `idb` (the module) and `bytes(n, seed)`."""
    return page.evaluate(f"async (arg) => {{ {IMPORT} {BYTES} {body} }}", arg)


def opened(page: Page) -> Page:
    """`page` at a document of the origin (IndexedDB and the module are the origin's), not the app."""
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # a JS file's page asks for one
    page.goto("static/idb.js")
    return page


COMPOSE = """
  const builder = idb.builder();
  const missing = await builder.append(arg.pieces);
  if (missing >= 0) return { missing };
  await builder.commit(arg.key, "application/octet-stream", []);
  return { bytes: Array.from(new Uint8Array(await (await idb.get(arg.key)).arrayBuffer())) };
"""


def expected(*pieces: tuple[int, int, int, int]) -> list[int]:
    """The bytes of (size, seed, offset, length) slices of `bytes(size, seed)`, as the page makes them."""
    out: list[int] = []
    for size, seed, offset, length in pieces:
        out += [(i * 31 + seed) & 255 for i in range(size)][offset:offset + length]
    return out


def test_a_value_composed_of_kept_blobs_equals_one_composed_of_blobs_read_back(page, context):
    page = opened(page)
    run(page, """
      idb.keepWritten(1 << 20);
      await idb.putManyNow([["part:k:kept", bytes(1000, 1), "application/octet-stream"]]);
      await idb.put("part:k:given", new Blob([bytes(3000, 2)]), "application/octet-stream");  // a Blob: not kept
    """)
    pieces = [["part:k:kept", 1000, 10, 100], [7, 7], ["part:k:given", 3000, 0, 3000], ["part:k:kept", 1000, 900, 100]]
    composed = run(page, "arg.pieces[1] = new Uint8Array(arg.pieces[1]);" + COMPOSE,
                   {"pieces": pieces, "key": "result:k"})
    assert composed["bytes"] == \
        expected((1000, 1, 10, 100)) + [7, 7] + expected((3000, 2, 0, 3000), (1000, 1, 900, 100))

    other = opened(context.new_page())  # the same parts read back by a context that kept nothing
    again = run(other, COMPOSE, {"pieces": [pieces[0], pieces[2], pieces[3]], "key": "result:k2"})
    assert again["bytes"] == expected((1000, 1, 10, 100), (3000, 2, 0, 3000), (1000, 1, 900, 100))


def test_only_the_newest_blobs_up_to_the_limit_are_kept_and_only_by_the_context_that_asked(page, context):
    page = opened(page)
    other = opened(context.new_page())
    run(page, """
      idb.keepWritten(3 << 20);
      await idb.putMany([["part:e:old", bytes(2 << 20, 3), "application/octet-stream"]]);
      await idb.putMany([["part:e:new", bytes(2 << 20, 4), "application/octet-stream"]]);  // 4 MB: "old" dropped
    """)
    run(other, """
      await idb.putMany([["part:e:elsewhere", bytes(10, 5), "application/octet-stream"]]);  // kept nowhere
      await idb.deletePrefix("part:e:");
    """)
    size = 2 << 20
    assert run(page, COMPOSE, {"pieces": [["part:e:old", size, 0, 5]], "key": "result:e1"}) == {"missing": 0}
    assert run(page, COMPOSE, {"pieces": [["part:e:new", size, 0, 5]], "key": "result:e2"})["bytes"] == \
        expected((size, 4, 0, 5))  # the kept Blob: its bytes are this context's own
    assert run(other, COMPOSE, {"pieces": [["part:e:elsewhere", 10, 0, 10]], "key": "result:e3"}) == {"missing": 0}


def test_a_kept_blob_is_not_used_once_dropped_deleted_or_used_here_or_of_another_size(
        page, context):
    page = opened(page)
    run(page, """
      idb.keepWritten(1 << 20);
      await idb.putMany([["part:d:a", bytes(100, 1), null], ["part:d:b", bytes(100, 2), null],
                         ["part:d:c", bytes(100, 3), null], ["part:d:e", bytes(100, 4), null]]);
    """)
    run(page, "await idb.deleteKeys(['part:d:a']); idb.dropWritten('part:d:e');")
    assert run(page, COMPOSE, {"pieces": [["part:d:a", 100, 0, 100]], "key": "result:d1"}) == {"missing": 0}

    assert run(page, COMPOSE, {"pieces": [["part:d:b", 100, 0, 10]], "key": "result:d2"})["bytes"] == \
        expected((100, 2, 0, 10))
    other = opened(context.new_page())
    run(other, """
      await idb.deleteKeys(["part:d:b"]);  // a finished task's parts, deleted by the main thread
      await idb.putMany([["part:d:c", bytes(50, 9), null]]);  // written again elsewhere, another size
      await idb.deleteKeys(["part:d:e"]);
    """)
    assert run(page, COMPOSE, {"pieces": [["part:d:b", 100, 0, 10]], "key": "result:d3"}) == {"missing": 0}
    assert run(page, COMPOSE, {"pieces": [["part:d:e", 100, 0, 10]], "key": "result:d5"}) == {"missing": 0}
    assert run(page, COMPOSE, {"pieces": [["part:d:c", 50, 0, 50]], "key": "result:d4"})["bytes"] == \
        expected((50, 9, 0, 50))
