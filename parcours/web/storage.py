"""Static files in production: hashed names and compressed copies (WhiteNoise), contents left as shipped."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, without rewriting the ``url()`` references inside stylesheets.

    django-dsfr links the DSFR's stylesheets and scripts with Subresource Integrity hashes of the files as
    shipped. Rewriting their ``url()`` references to hashed names changes their bytes, and browsers then
    refuse them: every page would show unstyled. The files still get hashed names (long cache, safe
    upgrades); the fonts and icons they refer to are served under their plain names as well.
    tests/web/test_static_files.py checks the hashes against the collected files.
    """

    patterns = ()
