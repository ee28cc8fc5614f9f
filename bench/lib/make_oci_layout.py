"""Benchmark fixture: an OCI image layout with one tar+gzip layer per folder given (under opt/layerN), as
`docker build` would push it. Usage: make_oci_layout.py OUT TAG DIR...   gzip -1 keeps building fast; pull
speed is what the benchmark measures."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "lib"))
import oci_layout  # noqa: E402

out, tag, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
digest, size = oci_layout.write(out, tag, [(d, f"opt/layer{n}") for n, d in enumerate(dirs)],
                                config_extra={"Env": ["CUDA_VERSION=13.1.0"]}, gzip_level=1)
print(f"{digest} {size >> 20} MiB in {len(dirs)} layers")
