"""The `ct2` engine: random-weight NLLB- and M2M-100-shaped CTranslate2 models, configured in
pipeline.toml, translating directly between any two of their languages."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.models import FLAG_TEST_MODEL
from pipeline.states import Action
from pipeline.store import open_store
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.translate import ct2ship
from pipeline.translate.ct2models import TEST_MARKER, ModelLeg, check_model
from pipeline.translate.engine import Engine, EngineOptions
from pipeline.translate.engines import available_legs
from pipeline.translate.routing import find_route
from pipeline.translate.run import translate_pending
from pipeline.workspace import Settings, init, load, parse_config
from tests.factories import add_article
from tests.translate.conftest import load_builder, run_cli

FAST = EngineOptions(beam=2, batch_size=8, intra_threads=1)
LANGS = ("en", "fa", "ar", "sq")
TOKENS = {
    "nllb": {"en": "eng_Latn", "fa": "pes_Arab", "ar": "arb_Arab", "sq": "als_Latn"},
    "m2m100": {lang: f"__{lang}__" for lang in LANGS},
    "madlad": {lang: f"<2{lang}>" for lang in LANGS},
}
TOKENIZER = {"nllb": "sentencepiece.bpe.model", "m2m100": "sentencepiece.bpe.model",
             "madlad": "spiece.model"}
TEXT = {
    "en": [("title", "Council approves the school budget"),
           ("paragraph", "The city council met on Tuesday. It approved money for new schools.")],
    "fa": [("title", "شورای شهر بودجه مدارس را تصویب کرد"),
           ("paragraph", "شورای شهر روز سه‌شنبه تشکیل جلسه داد.")],
    "sq": [("title", "Këshilli miraton buxhetin e shkollave"),
           ("paragraph", "Këshilli i qytetit u mblodh të martën.")],
}


@pytest.fixture(scope="session")
def ct2_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One random-weight model directory per convention, built with the shipped builder."""
    builder = load_builder()
    out = tmp_path_factory.mktemp("ct2")
    return {conv: builder.build_ct2_model(out / f"{conv}-test", convention=conv, seed=seed)
            for seed, conv in enumerate(("nllb", "m2m100", "madlad"), start=1)}


def entry(name: str, path: Path | str, convention: str, extra: str = "") -> str:
    return (f'[[translate.models]]\nname = "{name}"\npath = "{path}"\n'
            f'convention = "{convention}"\n{extra}\n')


def configure(ws: Settings, *entries: str, engine: str = "ct2") -> Settings:
    """Rewrite the workspace's pipeline.toml with these model entries and the engine."""
    text = ws.config_path.read_text(encoding="utf-8")
    text = text.replace("[translate]\n", f'[translate]\nengine = "{engine}"\n', 1)
    ws.config_path.write_text(text + "\n" + "".join(entries), encoding="utf-8")
    return load(ws.root)


def workspace(tmp: Path, source: str, targets: tuple[str, ...], *entries: str) -> Settings:
    ws = configure(init(tmp, source, targets), *entries)
    with open_store(ws.database) as store:
        add_article(store, "budget", TEXT[source], targets)
    return ws


def translations(ws: Settings, lang: str) -> list[tr.Translation]:
    with open_store(ws.database) as store:
        return [tr.get(store, u.id, lang) for u in load_article(store, "budget").units]


# --- the builder ------------------------------------------------------------------------------


def test_builder_puts_the_conventions_tokens_in_the_vocabulary(ct2_models: dict[str, Path]) -> None:
    import sentencepiece as spm

    for conv, path in ct2_models.items():
        sp = spm.SentencePieceProcessor(model_file=str(path / TOKENIZER[conv]))
        vocab = set(json.loads((path / "shared_vocabulary.json").read_text(encoding="utf-8")))
        for token in TOKENS[conv].values():
            assert sp.piece_to_id(token) != sp.unk_id(), token
            assert token in vocab
        assert json.loads((path / TEST_MARKER).read_text())["convention"] == conv


def test_builder_refuses_an_unknown_convention(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="marian"):
        load_builder().build_ct2_model(tmp_path / "x", convention="marian")
    assert not (tmp_path / "x").exists()


# --- translating ------------------------------------------------------------------------------


@pytest.mark.parametrize("conv", ["nllb", "m2m100"])
def test_en_to_fa_records_the_model_as_provenance(ct2_models: dict[str, Path], tmp_path: Path,
                                                  conv: str) -> None:
    ws = workspace(tmp_path / "ws", "en", ("fa", "ar"), entry("multi", ct2_models[conv], conv))
    with open_store(ws.database) as store:
        report = translate_pending(store, "en", ("fa", "ar"), options=FAST, engine_name="ct2",
                                   models=ws.models)
    assert report.engine == "ct2" and report.written == 2 * len(TEXT["en"])
    assert report.test_model
    version = check_model(ws.models[0]).version
    assert version.startswith("sha256:")
    for lang in ("fa", "ar"):
        for t in translations(ws, lang):
            assert t.status == "machine" and t.origin == "mt" and t.engine == "ct2"
            assert t.package == "multi" and t.package_version == version
            assert t.pivot == f"en>{lang}" and FLAG_TEST_MODEL in t.flags
            assert t.text and t.text.strip()
            # The forced target token is stripped; no language token leaks into the text.
            assert not any(tok in t.text for tok in TOKENS[conv].values()), t.text


@pytest.mark.parametrize(("conv", "source", "target"), [("nllb", "fa", "ar"),
                                                        ("m2m100", "sq", "fa"),
                                                        ("nllb", "sq", "fa")])
def test_a_model_translates_between_two_non_english_languages_directly(
        ct2_models: dict[str, Path], tmp_path: Path, conv: str, source: str, target: str) -> None:
    ws = workspace(tmp_path / "ws", source, (target,), entry("multi", ct2_models[conv], conv))
    with open_store(ws.database) as store:
        report = translate_pending(store, source, (target,), options=FAST, engine_name="ct2",
                                   models=ws.models)
    assert report.langs[0].route == f"{source}>{target}"  # no pivot through English
    assert report.written == len(TEXT[source])
    assert {t.pivot for t in translations(ws, target)} == {f"{source}>{target}"}


@pytest.mark.parametrize("conv", ["nllb", "m2m100", "madlad"])
def test_the_language_tokens_are_sent_and_the_target_prefix_forced(
        ct2_models: dict[str, Path], tmp_path: Path, conv: str) -> None:
    import ctranslate2
    import sentencepiece as spm

    ws = configure(init(tmp_path / "ws", "en", ("fa", "ar", "sq")),
                   entry("multi", ct2_models[conv], conv))
    legs = available_legs("ct2", models=ws.models)
    to_fa, to_ar = find_route("en", "fa", legs), find_route("en", "ar", legs)
    assert to_fa is not None and to_ar is not None and not to_fa.pivoted
    engine = Engine(FAST)
    text = "The council met on Tuesday."
    sp = spm.SentencePieceProcessor(model_file=str(ct2_models[conv] / TOKENIZER[conv]))
    pieces = sp.encode(text, out_type=str)
    tokens = TOKENS[conv]
    # NLLB and M2M-100: the source language's token first and a forced target token; MADLAD:
    # the target language's token first and no target prefix.
    madlad = conv == "madlad"
    source = [tokens["fa" if madlad else "en"], *pieces, "</s>"]
    assert engine.source_tokens(to_fa.legs[0], text) == source
    assert to_fa.legs[0].target_prefix == ("" if madlad else tokens["fa"])
    # The engine's output is exactly the family's documented calling pattern, prefix stripped.
    raw = ctranslate2.Translator(str(ct2_models[conv]), compute_type="int8", intra_threads=1)
    res = raw.translate_batch([source], target_prefix=None if madlad else [[tokens["fa"]]],
                              beam_size=FAST.beam, max_decoding_length=FAST.decoding_cap(
                                  len(source)), replace_unknowns=True)
    hyp = res[0].hypotheses[0][0 if madlad else 1:]
    assert madlad or res[0].hypotheses[0][0] == tokens["fa"]
    [fa] = engine.translate(to_fa, [text])
    assert fa.text == sp.decode_pieces(hyp).strip()
    assert not fa.text.startswith(tokens["fa"])
    [ar] = engine.translate(to_ar, [text])
    # Another target token, another output (at least its score): the token reaches the model.
    assert (ar.text, ar.score) != (fa.text, fa.score)


def test_the_cache_signature_tells_models_apart(ct2_models: dict[str, Path],
                                                tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", "en", ("fa",), entry("one", ct2_models["nllb"], "nllb"),
                   entry("two", ct2_models["m2m100"], "m2m100"))
    one, two = ws.models
    engine = Engine(FAST)
    route_one = find_route("en", "fa", available_legs("ct2", models=[one]))
    route_two = find_route("en", "fa", available_legs("ct2", models=[two]))
    assert route_one is not None and route_two is not None
    assert engine.signature(route_one) != engine.signature(route_two)

    def run(models: tuple[object, ...]) -> tuple[int, int]:
        with open_store(ws.database) as store:
            for t in translations(ws, "fa"):
                if t.status == "machine":
                    tr.change(store, t.unit_id, "fa", Action.SOURCE_CHANGED, who="extract")
            r = translate_pending(store, "en", ("fa",), options=FAST, engine_name="ct2",
                                  models=models)  # type: ignore[arg-type]
        return r.langs[0].reused, r.sentences

    assert run((one,))[1] > 0
    assert run((two,))[0] == 0  # another model: nothing reused from the first one's outputs
    reused, sent = run((one,))
    assert reused > 0 and sent == 0  # the first model's own outputs are found again
    assert {t.package for t in translations(ws, "fa")} == {"one"}


def test_the_first_configured_model_covering_a_pair_wins(ct2_models: dict[str, Path],
                                                         tmp_path: Path) -> None:
    ws = configure(init(tmp_path / "ws", "en", ("fa", "ar", "sq")),
                   entry("one", ct2_models["m2m100"], "m2m100", 'languages = ["en", "fa"]'),
                   entry("two", ct2_models["nllb"], "nllb"))
    legs = available_legs("ct2", models=ws.models)
    fa, ar = find_route("en", "fa", legs), find_route("en", "ar", legs)
    assert fa is not None and fa.package == "one"
    assert ar is not None and ar.package == "two"


# --- configuration ----------------------------------------------------------------------------


def test_model_entries_resolve_paths_and_default_to_the_workspace_languages(tmp_path: Path) -> None:
    s = parse_config({"languages": {"source": "en", "targets": ["fa", "sq"]},
                      "translate": {"engine": "ct2", "models": [
                          {"name": "m", "path": "models/m", "convention": "madlad",
                           "tokens": {"fa": "<2fa>"}, "licence": "Apache-2.0"}]}}, tmp_path)
    [m] = s.models
    assert s.engine == "ct2"
    assert m.path == tmp_path / "models" / "m" and m.languages == ("en", "fa", "sq")
    assert m.tokens == (("fa", "<2fa>"),) and m.tokenizer is None


@pytest.mark.parametrize(("models", "message"), [
    ([{"name": "m", "path": "p", "convention": "marian"}],
     "translate.models entry 1 (m): convention 'marian' is unknown; use nllb, m2m100, madlad"),
    ([{"name": "m", "path": "p"}], "entry 1 (m): convention is missing"),
    ([{"name": "m", "path": "p", "convention": "nllb", "url": "x"}], "unknown key 'url'"),
    ([{"name": "a b", "path": "p", "convention": "nllb"}], "name must be letters"),
    ([{"name": "m", "path": "p", "convention": "nllb", "tokens": {"fa": "pes Arab"}}],
     "tokens.fa must be one vocabulary token"),
    ([{"name": "m", "path": "p", "convention": "nllb", "languages": ["fa", "xx-nope"]}],
     "languages"),
    ([{"name": "m", "path": "p", "convention": "nllb"}] * 2, "names a model twice (m)"),
    ({"name": "m"}, "write each model as [[translate.models]]"),
])
def test_bad_model_entries_name_the_key(tmp_path: Path, models: object, message: str) -> None:
    with pytest.raises(ConfigError, match="translate.models") as err:
        parse_config({"translate": {"models": models}}, tmp_path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_an_unknown_engine_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="translate.engine must be one of argos, ct2"):
        parse_config({"translate": {"engine": "marian"}}, tmp_path)


def _one_line_error(ws: Settings, code: int, *args: str) -> str:
    proc = run_cli("translate", "-w", str(ws.root), *args, packages=ws.root / "argos",
                   check=False, timeout=120)
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    with sqlite3.connect(ws.database) as conn:  # nothing was translated
        assert conn.execute("SELECT count(*) FROM events WHERE action='machine'").fetchone() == (0,)
    return lines[0]


def test_a_missing_model_directory_is_one_line(ct2_models: dict[str, Path],
                                               tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", "en", ("fa",), entry("gone", tmp_path / "nowhere", "nllb"))
    line = _one_line_error(ws, 1)
    assert "translate.models 'gone'" in line and str(tmp_path / "nowhere") in line


@pytest.mark.parametrize(("conv", "extra", "token"), [
    ("nllb", "", "eng_Latn"),  # an M2M-100 model configured as NLLB: no NLLB tokens
    ("m2m100", 'tokens = { fa = "pes_Arab" }', "pes_Arab"),  # an override the model lacks
])
def test_a_vocabulary_without_a_language_token_is_one_line(
        ct2_models: dict[str, Path], tmp_path: Path, conv: str, extra: str, token: str) -> None:
    ws = workspace(tmp_path / "ws", "en", ("fa",),
                   entry("mismatch", ct2_models["m2m100"], conv, extra))
    line = _one_line_error(ws, 1)
    assert f"no language token {token!r}" in line and "translate.models 'mismatch'" in line


def test_a_model_directory_without_its_tokenizer_is_one_line(ct2_models: dict[str, Path],
                                                             tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(ct2_models["nllb"], copy)
    (copy / "sentencepiece.bpe.model").unlink()
    ws = workspace(tmp_path / "ws", "en", ("fa",), entry("bare", copy, "nllb"))
    assert "no tokenizer" in _one_line_error(ws, 1)


def test_a_broken_tokenizer_fails_its_languages_and_translates_nothing(
        ct2_models: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(ct2_models["nllb"], copy)
    (copy / "sentencepiece.bpe.model").write_bytes(b"\x00garbage" * 300)
    ws = workspace(tmp_path / "ws", "en", ("fa",), entry("bare", copy, "nllb"))
    proc = run_cli("translate", "-w", str(ws.root), packages=ws.root / "argos", check=False,
                   timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if x.startswith("error:")]
    assert "fa not translated" in line and "the tokenizer cannot be loaded" in line
    assert "sentencepiece.bpe.model" in line
    assert "NON-COMMERCIAL" not in proc.stderr  # nothing was translated with the model
    with sqlite3.connect(ws.database) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE action='machine'").fetchone() == (0,)


@pytest.mark.parametrize(("entries", "message"), [
    ([entry("m", "p", "marian")], "convention 'marian' is unknown"),
    ([], "no [[translate.models]]"),
])
def test_configuration_errors_exit_2_in_one_line(tmp_path: Path, entries: list[str],
                                                 message: str) -> None:
    ws = init(tmp_path / "ws", "en", ("fa",))
    text = ws.config_path.read_text(encoding="utf-8").replace(
        "[translate]\n", '[translate]\nengine = "ct2"\n', 1)
    ws.config_path.write_text(text + "\n" + "".join(entries), encoding="utf-8")
    with open_store(ws.database) as store:
        add_article(store, "budget", TEXT["en"], ("fa",))
    assert message in _one_line_error(ws, 2)


def test_engine_option_overrides_the_workspace(ct2_models: dict[str, Path], argos_dir: Path,
                                               tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", "en", ("fa",), entry("multi", ct2_models["nllb"], "nllb"))
    out = json.loads(run_cli("translate", "-w", str(ws.root), "--engine", "argos", "--json",
                             "--beam", "1", packages=argos_dir).stdout)
    assert out["engine"] == "argos" and out["written"] == len(TEXT["en"])
    assert {t.engine for t in translations(ws, "fa")} == {"ctranslate2"}
    proc = run_cli("translate", "-w", str(ws.root), "--engine", "marian", packages=argos_dir,
                   check=False)
    assert proc.returncode == 2 and "--engine 'marian'" in proc.stderr


# --- pipeline models list ---------------------------------------------------------------------


def test_models_list_shows_models_routes_and_licences(ct2_models: dict[str, Path],
                                                      tmp_path: Path) -> None:
    ws = configure(init(tmp_path / "ws", "en", ("fa", "ar", "sq")),
                   entry("nllb-test", ct2_models["nllb"], "nllb"),
                   entry("m2m-test", ct2_models["m2m100"], "m2m100"),
                   entry("broken", tmp_path / "nowhere", "m2m100"))
    data = json.loads(run_cli("models", "list", "--json", "-w", str(ws.root),
                              packages=tmp_path / "argos").stdout)
    assert data["engine"] == "ct2"
    models = {m["name"]: m for m in data["models"]}
    nllb, m2m, broken = models["nllb-test"], models["m2m-test"], models["broken"]
    assert nllb["licence"] == "CC-BY-NC-4.0" and nllb["commercial_use"] is False
    assert "NON-COMMERCIAL" in nllb["licence_note"]
    assert m2m["licence"] == "MIT" and m2m["commercial_use"] is True
    assert nllb["tokens"] == TOKENS["nllb"] and nllb["test_model"] and nllb["error"] is None
    assert "no model directory" in broken["error"]
    routes = {(r["from"], r["to"]): r for r in data["routes"]}
    assert len(routes) == 12
    assert all(r["kind"] == "direct" and r["package"] == "nllb-test" for r in routes.values())
    text = run_cli("models", "list", "-w", str(ws.root), packages=tmp_path / "argos").stdout
    assert "!!! NON-COMMERCIAL USE ONLY" in text
    assert "fa->ar: direct (nllb-test)" in text and "sq->fa: direct (nllb-test)" in text
    # The argos engine's view of the same workspace: no packages, so no routes.
    argos = json.loads(run_cli("models", "list", "--json", "--engine", "argos", "-w",
                               str(ws.root), packages=tmp_path / "argos").stdout)
    assert {r["kind"] for r in argos["routes"]} == {"impossible"}


# --- on a Dask cluster ------------------------------------------------------------------------


def _leg(ws: Settings, source: str = "en", target: str = "fa") -> ModelLeg:
    route = find_route(source, target, available_legs("ct2", models=ws.models))
    assert route is not None and isinstance(route.legs[0], ModelLeg)
    return route.legs[0]


def test_a_shipped_model_is_checked_before_it_enters_a_workers_cache(
        ct2_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PIPELINE_CT2_CACHE", str(cache))
    ws = configure(init(tmp_path / "ws", "en", ("fa",)), entry("multi", ct2_models["nllb"], "nllb"))
    leg = _leg(ws)
    ref = ct2ship.ModelRef(leg, ct2ship.bundle_digest(leg))
    assert not ct2ship.worker_has(ref)
    data = ct2ship.bundle(leg)
    assert "Bad CRC" in (ct2ship.worker_install(ref, data.replace(b"pes_Arab", b"pes_Xxxx")) or "")
    tampered = io.BytesIO()  # a well-formed archive with other bytes in it
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(tampered, "w") as zf:
        for info in src.infolist():
            body = src.read(info)
            zf.writestr(info.filename, body.replace(b"pes_Arab", b"pes_Xxxx"))
    assert "does not match its hash" in (ct2ship.worker_install(ref, tampered.getvalue()) or "")
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w") as zf:
        zf.writestr("multi/../../escaped.txt", "x")
    assert "climbs out" in (ct2ship.worker_install(ref, hostile.getvalue()) or "")
    assert not (tmp_path / "escaped.txt").exists() and not ct2ship.worker_has(ref)
    assert [p.name for p in cache.iterdir()] == []  # no staging left behind
    assert ct2ship.worker_install(ref, data) is None
    local = ct2ship.worker_leg(ref)
    assert local.path == cache / ref.digest / "model" and local.from_code == "en"
    assert ct2ship.bundle_digest(local) == ref.digest  # the copy holds the same bytes


def test_a_ct2_route_runs_on_a_dask_cluster_as_it_runs_locally(ct2_models: dict[str, Path],
                                                               tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from tests.cluster import DASK, start_cluster
    from tests.translate.test_cluster import TRANSLATE, _rows

    if not DASK.exists():
        pytest.skip("the dask command is not installed")
    local = workspace(tmp_path / "local", "fa", ("ar", "sq"),
                      entry("multi", ct2_models["m2m100"], "m2m100"))
    remote = tmp_path / "remote"
    shutil.copytree(local.root, remote)
    cluster = start_cluster(tmp_path / "cluster", workers=2)
    try:
        a = json.loads(run_cli("translate", "-w", str(local.root), *TRANSLATE,
                               packages=tmp_path / "argos").stdout)
        b = json.loads(run_cli("translate", "-w", str(remote), "--cluster", cluster.address,
                               *TRANSLATE, packages=tmp_path / "argos", timeout=300).stdout)
    finally:
        cluster.stop()
    assert (a["executor"], b["executor"]) == ("local", "dask")
    assert a["engine"] == b["engine"] == "ct2"
    assert a["written"] == b["written"] == 2 * len(TEXT["fa"])
    assert [lang["route"] for lang in b["languages"]] == ["fa>ar", "fa>sq"]
    assert _rows(local.database) == _rows(remote / "pipeline.db")
    # Neither worker had the model: each got it from the coordinator, by content hash.
    digest = ct2ship.bundle_digest(_leg(local, "fa", "ar"))
    for packages in cluster.worker_dirs:
        assert (packages.parent / "ct2-models" / digest / "model" / "model.bin").is_file()
