"""Language-token conventions of multilingual CTranslate2 models (NLLB-200, M2M-100, MADLAD-400).

A multilingual model is told which languages it translates by tokens around the sentence, and
each model family has its own way. These facts come from the families' Hugging Face tokenizers
(the same ones `ct2-transformers-converter` reads): NLLB and M2M-100 start the source with the
source language's token, end it with `</s>`, and force the target language's token as the first
target token; MADLAD-400 (T5) starts the source with `<2xx>` of the *target* language and needs
no target prefix.

>>> CONVENTIONS["nllb"].frame("eng_Latn", "pes_Arab")
(('eng_Latn',), ('</s>',), 'pes_Arab')
>>> CONVENTIONS["madlad"].token("fa")
'<2fa>'
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

EOS = "</s>"

#: NLLB-200's FLORES-200 codes for the languages a newsroom is likely to need; any other
#: language is given with `tokens = { xx = "..." }` in its [[translate.models]] entry.
NLLB_CODES = MappingProxyType({
    "en": "eng_Latn", "fa": "pes_Arab", "ar": "arb_Arab", "sq": "als_Latn",
    "prs": "prs_Arab", "ps": "pbt_Arab", "ur": "urd_Arab", "ckb": "ckb_Arab", "ku": "kmr_Latn",
    "tr": "tur_Latn", "he": "heb_Hebr", "fr": "fra_Latn", "de": "deu_Latn", "es": "spa_Latn",
    "it": "ita_Latn", "pt": "por_Latn", "nl": "nld_Latn", "ru": "rus_Cyrl", "uk": "ukr_Cyrl",
    "sr": "srp_Cyrl", "bs": "bos_Latn", "hr": "hrv_Latn", "mk": "mkd_Cyrl", "el": "ell_Grek",
    "hi": "hin_Deva", "bn": "ben_Beng", "zh": "zho_Hans", "ja": "jpn_Jpan", "ko": "kor_Hang",
    "sw": "swh_Latn", "so": "som_Latn", "am": "amh_Ethi", "ti": "tir_Ethi",
})

#: Licence notes shown by `pipeline models list`, by licence (SPDX identifier).
LICENCE_NOTES = MappingProxyType({
    "CC-BY-NC-4.0": "NON-COMMERCIAL USE ONLY: CC-BY-NC-4.0 forbids commercial use; a newsroom "
                    "that sells subscriptions or advertising must not publish its output",
    "MIT": "MIT: commercial use allowed, keep the copyright notice",
    "Apache-2.0": "Apache-2.0: commercial use allowed, keep the licence and notices",
})


def commercial_use(licence: str) -> bool:
    """False for the non-commercial Creative Commons licences (CC-BY-NC-*)."""
    return "-NC" not in licence.upper()


def licence_note(licence: str) -> str:
    """A one-line note on what a model's licence allows."""
    note = LICENCE_NOTES.get(licence)
    if note is not None:
        return note
    if not commercial_use(licence):
        return f"NON-COMMERCIAL USE ONLY: {licence} forbids commercial use"
    return f"{licence}: check its terms before publishing"


@dataclass(frozen=True)
class Convention:
    """How one model family marks languages, and the licence its published weights carry."""

    name: str
    family: str
    licence: str  # SPDX identifier of the published weights
    tokenizer_files: tuple[str, ...]  # SentencePiece files the family ships, looked for in order
    target_in_source: bool = False  # MADLAD: the target's token goes before the source

    def token(self, lang: str, overrides: dict[str, str] | None = None) -> str | None:
        """The token standing for `lang` in this family's vocabulary (None if not known)."""
        if overrides and lang in overrides:
            return overrides[lang]
        if self.name == "nllb":
            return NLLB_CODES.get(lang)
        if self.name == "m2m100":
            return f"__{lang}__"
        return f"<2{lang}>"

    def frame(self, source_token: str, target_token: str) -> tuple[tuple[str, ...],
                                                                  tuple[str, ...], str]:
        """(source prefix, source suffix, target prefix) for one direction."""
        if self.target_in_source:
            return (target_token,), (EOS,), ""
        return (source_token,), (EOS,), target_token


#: The conventions by the name written in pipeline.toml (`convention = "nllb"`).
CONVENTIONS: MappingProxyType[str, Convention] = MappingProxyType({
    "nllb": Convention("nllb", "NLLB-200", "CC-BY-NC-4.0", ("sentencepiece.bpe.model",
                                                           "sentencepiece.model")),
    "m2m100": Convention("m2m100", "M2M-100", "MIT", ("sentencepiece.bpe.model",
                                                    "sentencepiece.model")),
    "madlad": Convention("madlad", "MADLAD-400", "Apache-2.0",
                         ("spiece.model", "sentencepiece.model"), target_in_source=True),
})
