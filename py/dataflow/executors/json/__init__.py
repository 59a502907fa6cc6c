"""The JSON workbench executor: inspect, clean, split, convert and (de)compress JSON datasets,
record by record from a byte offset. Executors ring: standard library and vendorable pure wheels."""
