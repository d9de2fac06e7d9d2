"""pipeline.toml: creation, discovery and validation into one frozen Settings object."""

from __future__ import annotations

import errno
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline import languages
from pipeline.errors import ConfigError, WorkspaceNotFound
from pipeline.textcheck import find_bad

CONFIG_NAME = "pipeline.toml"
#: A workspace configuration is a few hundred bytes; anything near this is the wrong file.
MAX_CONFIG_BYTES = 1024 * 1024
ENV_VAR = "PIPELINE_WORKSPACE"


def _str(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError("must be a non-empty string")
    bad = find_bad(v)  # a site name goes into every page and feed: the one text check
    if bad is not None:
        raise ValueError(f"contains {bad[1]} at character {bad[0] + 1}; remove it")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("must be true or false")
    return v


def _percent(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 100:
        raise ValueError("must be a number from 0 to 100")
    return float(v)


def _int_range(lo: int, hi: int, unit: str = "") -> Callable[[Any], int]:
    """A whole number from lo to hi: every numeric setting has a range, so no value can
    overflow SQLite, CTranslate2 or a date computation later."""
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError(f"must be a whole number from {lo} to {hi}{unit}")
        return v

    return check


def _ratio(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 1 <= v <= 100:
        raise ValueError("must be a number from 1 to 100")
    return float(v)


def _lang(v: Any) -> str:
    return languages.validate(_str(v))


def _langs(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not v:
        raise ValueError("must be a non-empty list of language codes")
    return tuple(_lang(x) for x in v)


def base_url(v: Any) -> str:
    """An absolute http(s) URL where the editions are published, ending in '/'."""
    from urllib.parse import urlsplit

    text = _str(v).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("must be an absolute http(s) URL like https://example.org/editions/")
    return text if text.endswith("/") else text + "/"


def _per_lang_str(v: Any) -> dict[str, str]:
    if not isinstance(v, dict):
        raise ValueError("must be a table of language = text")
    return {_lang(k): _str(x) for k, x in v.items()}


#: Image types a logo may be (browsers show them in <img>; an SVG there runs no script).
LOGO_TYPES = (".png", ".svg", ".jpg", ".jpeg", ".webp", ".gif")


def _logo(v: Any) -> str:
    text = _str(v)
    if not text.lower().endswith(LOGO_TYPES):
        raise ValueError(f"must be an image file ({', '.join(LOGO_TYPES)})")
    return text


def _choice(*options: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if v not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return str(v)

    return check


def _per_lang_percent(v: Any) -> dict[str, float]:
    if not isinstance(v, dict):
        raise ValueError("must be a table of language = percent")
    return {_lang(k): _percent(x) for k, x in v.items()}


def _str_list(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError("must be a list of strings")
    return tuple(v)


_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_MODEL_KEYS = ("name", "path", "tokenizer", "convention", "languages", "tokens", "licence",
               "version")


@dataclass(frozen=True)
class ModelConfig:
    """One `[[translate.models]]` entry: a CTranslate2 model directory for the `ct2` engine."""

    name: str
    path: Path  # the converted model directory (relative paths: to the workspace)
    convention: str  # nllb, m2m100 or madlad (pipeline.translate.conventions)
    tokenizer: Path | None = None  # its SentencePiece model; default: the family's file in path
    languages: tuple[str, ...] = ()  # empty: the workspace's languages
    tokens: tuple[tuple[str, str], ...] = ()  # language -> token, over the convention's own
    licence: str | None = None  # default: the licence of the family's published weights
    version: str | None = None  # default: a fingerprint of the model's files


def _model_entry(i: int, v: Any) -> ModelConfig:
    where = f"entry {i}"
    if not isinstance(v, dict):
        raise ValueError(f"{where} must be a table ([[translate.models]] with name, path, "
                         "convention)")
    name = v.get("name")
    if isinstance(name, str) and _MODEL_NAME.match(name):
        where = f"entry {i} ({name})"
    for key in v:
        if key not in _MODEL_KEYS:
            raise ValueError(f"{where}: unknown key {key!r} (use {', '.join(_MODEL_KEYS)})")
    for key in ("name", "path", "convention"):
        if key not in v:
            raise ValueError(f"{where}: {key} is missing")
    if not isinstance(name, str) or not _MODEL_NAME.match(name):
        raise ValueError(f"{where}: name must be letters, digits, '.', '_' or '-' "
                         "(at most 64), like nllb-200-600M")
    from pipeline.translate.conventions import CONVENTIONS  # the one list of conventions

    convention = v["convention"]
    if convention not in CONVENTIONS:
        raise ValueError(f"{where}: convention {convention!r} is unknown; use "
                         f"{', '.join(CONVENTIONS)}")
    fields: dict[str, Any] = {"name": name, "convention": convention}
    for key in ("path", "tokenizer", "licence", "version"):
        if key in v:
            try:
                fields[key] = _str(v[key])
            except ValueError as exc:
                raise ValueError(f"{where}: {key} {exc}") from None
    fields["path"] = Path(fields["path"])
    if "tokenizer" in fields:
        fields["tokenizer"] = Path(fields["tokenizer"])
    if "languages" in v:
        try:
            fields["languages"] = _langs(v["languages"])
        except (ValueError, ConfigError) as exc:
            raise ValueError(f"{where}: languages {exc}") from None
    if "tokens" in v:
        tokens = v["tokens"]
        if not isinstance(tokens, dict):
            raise ValueError(f'{where}: tokens must be a table like {{ fa = "pes_Arab" }}')
        pairs = []
        for lang, token in tokens.items():
            try:
                _lang(lang)
            except ConfigError as exc:
                raise ValueError(f"{where}: tokens: {exc.message}") from None
            if not isinstance(token, str) or not token or len(token) > 64 or any(
                    c.isspace() for c in token):
                raise ValueError(f"{where}: tokens.{lang} must be one vocabulary token like "
                                 "pes_Arab (no spaces)")
            pairs.append((lang, token))
        fields["tokens"] = tuple(pairs)
    return ModelConfig(**fields)


def _models(v: Any) -> tuple[ModelConfig, ...]:
    if not isinstance(v, list):
        raise ValueError("must be a list of tables: write each model as [[translate.models]]")
    models = tuple(_model_entry(i, x) for i, x in enumerate(v, start=1))
    names = [m.name for m in models]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"names a model twice ({', '.join(twice)})")
    return models


def _engine(v: Any) -> str:
    from pipeline.translate.engines import ENGINES  # the one list of engines

    if v not in ENGINES:
        raise ValueError(f"must be one of {', '.join(ENGINES)}")
    return str(v)


_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def _lang_tags(v: Any) -> dict[str, str]:
    """Language code -> the tag written in TMX/XLIFF files, e.g. { fa = "fa-IR" }."""
    if not isinstance(v, dict):
        raise ValueError('must be a table of language = tag, e.g. { fa = "fa-IR" }')
    out = {}
    for k, tag in v.items():
        code = _lang(k)
        if not isinstance(tag, str) or not _TAG.match(tag):
            raise ValueError(f"{k}: {tag!r} is not a language tag like fa-IR")
        if tag.replace("_", "-").split("-")[0].lower() != code.split("-")[0].lower():
            raise ValueError(f"{k}: {tag!r} is a tag of another language (expected {code}-...)")
        out[code] = tag.replace("_", "-")
    return out


def _device_index(v: Any) -> tuple[int, ...]:
    if (not isinstance(v, list) or not v
            or not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 1024 for x in v)):
        raise ValueError("must be a list of GPU numbers like [0, 1]")
    return tuple(v)


def _scheduler_address(v: Any) -> str:
    if not isinstance(v, str) or "://" not in v or len(v) > 512:
        raise ValueError("must be a Dask scheduler address like tcp://10.0.0.5:8786")
    return v


# section -> key -> validator. The single description of what pipeline.toml may hold.
SCHEMA: dict[str, dict[str, Callable[[Any], Any]]] = {
    "languages": {"source": _lang, "targets": _langs},
    "paths": {"database": _str, "locales": _str, "editions": _str, "glossary": _str},
    "thresholds": {
        "min_approved": _percent,
        "min_translated": _percent,
        "min_approved_by_lang": _per_lang_percent,
        "min_translated_by_lang": _per_lang_percent,
        "length_ratio_max": _ratio,
    },
    "translate": {
        "beam": _int_range(1, 64),
        "batch_size": _int_range(1, 4096),
        "device": _choice("cpu", "cuda", "auto"),
        "compute_type": _str,
        "device_index": _device_index,
        "cluster": _scheduler_address,
        "engine": _engine,
        "models": _models,
    },
    "review": {"four_eyes": _bool, "claim_minutes": _int_range(1, 10080, " (minutes; 10080 is a week)")},
    "export": {
        "include_machine": _bool,
        "min_completeness_by_lang": _per_lang_percent,
        "persian_calendar": _choice("gregorian", "solar_hijri"),
        "base_url": base_url,
        "formats": _str_list,
        "credit_translators": _bool,
        "page_size": _int_range(1, 10_000),
        "feed_size": _int_range(1, 10_000),
        "on_source_change": _choice("keep_with_notice", "withdraw", "machine_with_notice"),
    },
    "site": {"name": _str, "name_by_lang": _per_lang_str, "logo": _logo},
    "checks": {"disabled": _str_list},
    "interchange": {"lang_tags": _lang_tags},
}


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about its workspace."""

    root: Path
    source: str = "en"
    targets: tuple[str, ...] = ("fa", "ar", "sq")
    database: Path = Path("pipeline.db")
    locales: Path = Path("locales")
    editions: Path = Path("editions")
    glossary: Path = Path("glossary.csv")
    min_approved: float = 0.0
    min_translated: float = 0.0
    min_approved_by_lang: dict[str, float] = field(default_factory=dict)
    min_translated_by_lang: dict[str, float] = field(default_factory=dict)
    length_ratio_max: float = 3.0
    beam: int = 4
    batch_size: int = 64
    device: str = "cpu"
    compute_type: str = "int8"
    device_index: tuple[int, ...] = (0,)
    cluster: str | None = None
    engine: str = "argos"  # translate.engine: argos packages, or ct2 (translate.models)
    models: tuple[ModelConfig, ...] = ()
    four_eyes: bool = False
    claim_minutes: int = 30
    include_machine: bool = False
    min_completeness_by_lang: dict[str, float] = field(default_factory=dict)
    persian_calendar: str = "gregorian"
    base_url: str | None = None
    formats: tuple[str, ...] = ("html",)
    on_source_change: str = "keep_with_notice"
    disabled_checks: tuple[str, ...] = ()
    credit_translators: bool = True
    page_size: int = 50
    feed_size: int = 20
    site_name: str | None = None
    site_name_by_lang: dict[str, str] = field(default_factory=dict)
    logo: Path | None = None

    def site_name_in(self, lang: str) -> str | None:
        """The site's name in one edition (name_by_lang, else name); None when unset."""
        return self.site_name_by_lang.get(lang) or self.site_name
    lang_tags: dict[str, str] = field(default_factory=dict)  # code -> tag in TMX/XLIFF files

    @property
    def languages(self) -> tuple[str, ...]:
        """Source first, then targets."""
        return (self.source, *self.targets)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME


def parse_config(data: Mapping[str, Any], root: Path, *, path: Path | None = None) -> Settings:
    """Validate a parsed pipeline.toml; an unknown key or bad value names the key."""
    where = path or root / CONFIG_NAME
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in SCHEMA:
            raise ConfigError(f"unknown section [{section}]", path=where)
        if not isinstance(table, dict):
            raise ConfigError(f"[{section}] must be a table", path=where)
        for key, raw in table.items():
            check = SCHEMA[section].get(key)
            if check is None:
                raise ConfigError(f"unknown key {section}.{key}", path=where)
            try:
                value = check(raw)
            except ConfigError as exc:
                raise ConfigError(f"{section}.{key}: {exc.message}", path=where) from None
            except ValueError as exc:
                raise ConfigError(f"{section}.{key} {exc}", path=where) from None
            name = _FIELD.get((section, key), str(key))
            values[name] = Path(value) if section == "paths" or name == "logo" else value
    settings = Settings(root=root, **values)
    if settings.source in settings.targets:
        raise ConfigError("languages.targets must not include the source language", path=where)
    twice = sorted({lang for lang in settings.targets if settings.targets.count(lang) > 1})
    if twice:  # every per-language loop would do its work twice, and count it twice
        raise ConfigError(f"languages.targets names {', '.join(twice)} twice; keep one",
                          path=where)
    return replace(
        settings,
        database=_under(root, settings.database),
        locales=_under(root, settings.locales),
        editions=_under(root, settings.editions),
        glossary=_under(root, settings.glossary),
        logo=_under(root, settings.logo) if settings.logo else None,
        models=tuple(replace(m, path=_under(root, m.path),
                             tokenizer=_under(root, m.tokenizer) if m.tokenizer else None,
                             languages=m.languages or settings.languages)
                     for m in settings.models),
    )


#: pipeline.toml keys whose Settings field has another name.
_FIELD: dict[tuple[str, str], str] = {
    ("checks", "disabled"): "disabled_checks", ("site", "name"): "site_name",
    ("site", "name_by_lang"): "site_name_by_lang",
}


def _under(root: Path, p: Path) -> Path:
    return p if p.is_absolute() else root / p


def load(root: Path) -> Settings:
    """Read and validate `root/pipeline.toml`."""
    from pipeline import inputfile
    from pipeline.errors import InputError

    path = root / CONFIG_NAME
    if not os.path.lexists(path):
        raise WorkspaceNotFound(f"no {CONFIG_NAME} in {root}")
    try:
        text = inputfile.read_text(path, max_bytes=MAX_CONFIG_BYTES, what="pipeline.toml")
        data = tomllib.loads(text)
    except InputError as exc:
        raise ConfigError(exc.message, path=path, line=exc.line) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from None
    except ValueError:  # tomllib's int() of a number over sys.get_int_max_str_digits()
        raise ConfigError("not valid TOML: a number is too long (over 4300 digits)",
                          path=path) from None
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply", path=path) from None
    return parse_config(data, root.resolve(), path=path)


def find_root(explicit: Path | None = None, *, start: Path | None = None) -> Path:
    """The workspace directory: --workspace, then $PIPELINE_WORKSPACE, then the nearest parent."""
    if explicit is None and os.environ.get(ENV_VAR):
        explicit = Path(os.environ[ENV_VAR])
    if explicit is not None:
        if not (explicit / CONFIG_NAME).is_file():
            raise WorkspaceNotFound(
                f"{explicit} is not a workspace (no {CONFIG_NAME}); "
                f"create one with: pipeline init {explicit}"
            )
        return explicit.resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    raise WorkspaceNotFound(
        f"no {CONFIG_NAME} here or in any parent directory; create a workspace with "
        "`pipeline init DIR --source en --targets fa,ar,sq`, or pass --workspace DIR"
    )


def open_settings(explicit: Path | None = None) -> Settings:
    """Find and load the workspace a command runs in."""
    return load(find_root(explicit))


def render_config(source: str, targets: tuple[str, ...]) -> str:
    """The text of a new pipeline.toml, with every section documented."""
    target_list = ", ".join(f'"{t}"' for t in targets)
    return f"""# pipeline workspace. Paths are relative to this file.

[languages]
source = "{source}"
targets = [{target_list}]

[paths]
database = "pipeline.db"
locales = "locales"      # PO catalogs of the articles (pipeline po export)
editions = "editions"    # published editions (pipeline export)
glossary = "glossary.csv"

[thresholds]
# Percent of units that must be approved / translated for `pipeline check` to pass.
min_approved = 0
min_translated = 0
# Per-language overrides, e.g. min_approved_by_lang = {{ fa = 100 }}
min_approved_by_lang = {{}}
min_translated_by_lang = {{}}

[translate]
beam = 4
batch_size = 64
device = "cpu"           # cpu, cuda or auto
compute_type = "int8"
# device_index = [0, 1]   # with device = "cuda": one model replica on each of these GPUs
# cluster = "tcp://10.0.0.5:8786"   # decode on a Dask cluster (pip install "pipeline[dask]")
# engine = "ct2"          # argos (installed packages, the default) or ct2 (the models below)
# [[translate.models]]    # a CTranslate2 model converted with ct2-transformers-converter
# name = "m2m100-418M"
# path = "models/m2m100_418M-ct2"
# convention = "m2m100"   # nllb (CC-BY-NC: non-commercial only), m2m100 or madlad

[review]
four_eyes = false        # a reviewer cannot approve text they wrote
claim_minutes = 30       # how long a claimed unit stays with its reviewer

[export]
include_machine = false  # publish unreviewed machine translation, with a notice
min_completeness_by_lang = {{}}
persian_calendar = "gregorian"   # or "solar_hijri"
# When the English of a published article changes: keep the last approved translation with a
# notice until the change is reviewed ("keep_with_notice"), hold the article back ("withdraw"),
# or show the machine's suggestion for the changed paragraphs, with a notice ("machine_with_notice").
on_source_change = "keep_with_notice"
# base_url = "https://example.org/editions/"   # where <out> is published: absolute hreflang
credit_translators = true        # "Translated by ..., reviewed by ..." on translated articles
page_size = 50                   # articles per index, tag and category page
feed_size = 20                   # newest articles in each edition's Atom and RSS feed

[site]
# name = "Riverside Courier"                 # the masthead of every page, feeds, Open Graph
# name_by_lang = {{ fa = "پیک ریورساید" }}     # the name in other editions
# logo = "logo.svg"                          # copied to <out>/assets/, shown in the masthead

[interchange]
# Language tags written in TMX and XLIFF files, e.g. lang_tags = {{ fa = "fa-IR" }}
lang_tags = {{}}
"""


def init(root: Path, source: str = "en", targets: tuple[str, ...] = ("fa", "ar", "sq"),
         *, force: bool = False) -> Settings:
    """Create a workspace: pipeline.toml and an empty database. Refuses to overwrite a config."""
    languages.validate(source)
    for t in targets:
        languages.validate(t)
    if len(set(targets)) != len(targets):
        raise ConfigError("--targets lists a language twice")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from pipeline import atomicfile

        raise atomicfile.fail(exc, root) if exc.errno == errno.ENOSPC else ConfigError(
            f"cannot create the workspace directory: {exc.strerror or exc}", path=root) from None
    path = root / CONFIG_NAME
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists (use --force to rewrite it)")
    from pipeline import atomicfile

    atomicfile.write_text(path, render_config(source, targets))
    settings = load(root)
    from pipeline.store import open_store

    open_store(settings.database).close()
    if not settings.glossary.exists():
        # So `pipeline glossary import` works at once and a spreadsheet shows the columns.
        from pipeline.glossary import write_csv

        write_csv(settings.glossary, [])
    return settings
