"""Static files as production serves them: the DSFR's stylesheets and scripts keep the bytes their
Subresource Integrity hashes were computed on, else browsers refuse them and every page shows unstyled."""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import re
import subprocess
import sys

import pytest
from django.contrib.staticfiles import finders
from django.core.files import File
from dsfr import checksums
from dsfr.constants import DsfrStaticAssets

from parcours.web.storage import StaticFilesStorage

ASSETS = {
    DsfrStaticAssets.DSFR_CSS: checksums.INTEGRITY_CSS,
    DsfrStaticAssets.DSFR_UTILITY_CSS: checksums.INTEGRITY_UTILITY_CSS,
    DsfrStaticAssets.DSFR_MODULE_JS: checksums.INTEGRITY_JS_MODULE,
    DsfrStaticAssets.DSFR_NOMODULE_JS: checksums.INTEGRITY_JS_NOMODULE,
}


def sri(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


def referenced(path: str) -> set[str]:
    """The static paths a stylesheet refers to with url() (fonts, icons), as collectstatic resolves them."""
    if not path.endswith(".css"):
        return set()
    with open(finders.find(path), encoding="utf-8") as css:
        refs = re.findall(r"""url\(\s*["']?([^)"'?#]+)""", css.read())
    base = posixpath.dirname(path)
    return {
        posixpath.normpath(posixpath.join(base, ref)) for ref in refs if not ref.startswith(("data:", "/"))
    }


@pytest.fixture
def collected(tmp_path):
    """The production storage's post-processing (hashed names, compressed copies) on the DSFR's assets and
    the files they refer to, as ``collectstatic`` runs it."""
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    paths = set(ASSETS).union(*(referenced(path) for path in ASSETS))
    for path in paths:
        with open(finders.find(path), "rb") as source:
            storage.save(path, File(source))
    for _name, _hashed, processed in storage.post_process({path: (storage, path) for path in paths}):
        assert not isinstance(processed, Exception), processed
    return storage


def test_the_collected_dsfr_assets_match_the_integrity_hashes_the_pages_announce(collected):
    for path, expected in ASSETS.items():
        hashed = collected.stored_name(path)
        assert hashed != path, "the production names carry a hash of the content (long caching)"
        with collected.open(hashed) as stored:
            assert sri(stored.read()) == expected.strip(), path


def test_production_uses_that_storage():
    """Tests serve static files through the finders; a production process picks the storage above."""
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    )
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.strip().splitlines()[-1:] == ["parcours.web.storage.StaticFilesStorage"], done.stderr
