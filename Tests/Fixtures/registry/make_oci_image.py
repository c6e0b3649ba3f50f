#!/usr/bin/env python3
"""Writes a small container image as an OCI image layout, offline (standard library only).

    make_oci_image.py --directory DIR --tag TAG --layer-bytes N [--layer-bytes N ...]

DIR (created if absent) receives `oci-layout`, `index.json` naming the image as TAG, and
`blobs/sha256/` holding one layer per --layer-bytes: a gzipped tar
(application/vnd.oci.image.layer.v1.tar+gzip) with one file, `payload-K.bin`, of N random
bytes. Then an image config whose diff_ids are the digests of those tars, and the image
manifest. skopeo reads the result as `oci:DIR:TAG`. The layers are gzipped because skopeo
compresses an uncompressed layer on its way to a registry, which would change its digest.

The random bytes are never held whole: they go into the tar piece by piece, and the tar
is digested from the file. On success it prints one JSON object on standard output:

    {"manifest": {"digest", "size"}, "config": {"digest", "size"},
     "layers": [{"digest", "size"}, ...]}
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import tarfile

LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
PIECE = 1 << 20


class RandomSource(io.RawIOBase):
    """A readable stream of random bytes, as much as is asked for."""

    def readable(self):
        return True

    def read(self, size=-1):
        return os.urandom(min(size, PIECE) if size >= 0 else PIECE)


def file_digest(path, opener=open):
    """The SHA-256 of the file at `path` as `opener` reads it, piece by piece."""
    digest = hashlib.sha256()
    with opener(path, "rb") as source:
        for piece in iter(lambda: source.read(PIECE), b""):
            digest.update(piece)
    return "sha256:" + digest.hexdigest()


def blob_path(directory, digest):
    return os.path.join(directory, "blobs", "sha256", digest.split(":", 1)[1])


def write_blob(directory, data):
    """Stores `data` under its digest and returns its descriptor (digest and size)."""
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob_path(directory, digest), "wb") as blob:
        blob.write(data)
    return {"digest": digest, "size": len(data)}


def write_layer(directory, index, size):
    """Stores a gzipped tar of one file of `size` random bytes; returns its descriptor and
    the digest of the tar itself (its diff_id)."""
    partial = os.path.join(directory, "blobs", "sha256", "layer.partial")
    with tarfile.open(partial, mode="w:gz", compresslevel=1,
                      format=tarfile.PAX_FORMAT) as archive:
        member = tarfile.TarInfo("payload-%d.bin" % index)
        member.size = size
        member.mode = 0o644
        member.mtime = 0
        archive.addfile(member, RandomSource())
    digest = file_digest(partial)
    layer = {"digest": digest, "size": os.path.getsize(partial)}
    diff_id = file_digest(partial, gzip.open)
    os.rename(partial, blob_path(directory, digest))
    return layer, diff_id


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--directory", required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--layer-bytes", type=int, action="append", required=True)
    arguments = parser.parse_args()
    directory = arguments.directory
    os.makedirs(os.path.join(directory, "blobs", "sha256"), exist_ok=True)

    written = [write_layer(directory, index, size)
               for index, size in enumerate(arguments.layer_bytes)]
    layers = [layer for layer, _ in written]
    config = write_blob(directory, canonical({
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [diff_id for _, diff_id in written]},
    }))
    manifest = write_blob(directory, canonical({
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": dict(mediaType=CONFIG_TYPE, **config),
        "layers": [dict(mediaType=LAYER_TYPE, **layer) for layer in layers],
    }))
    with open(os.path.join(directory, "oci-layout"), "wb") as layout:
        layout.write(canonical({"imageLayoutVersion": "1.0.0"}))
    with open(os.path.join(directory, "index.json"), "wb") as index:
        index.write(canonical({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [dict(
                mediaType=MANIFEST_TYPE,
                annotations={"org.opencontainers.image.ref.name": arguments.tag},
                **manifest)],
        }))
    print(json.dumps({"manifest": manifest, "config": config, "layers": layers}))


if __name__ == "__main__":
    main()
