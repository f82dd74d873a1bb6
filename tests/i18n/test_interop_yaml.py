"""An independent XLIFF 2.0 reader opens our files; YAML values are written in the course's own style."""

from __future__ import annotations

import yaml

from qrscorm.i18n.yamledit import emit_scalar, update_yaml, yaml_from_template

from .conftest import export, set_target


def test_translate_toolkit_reads_ids_sources_and_targets(course):
    """Translate Toolkit's XLIFF 2.0 store (the reader Weblate and Pootle use) sees every unit as we wrote it."""
    from translate.storage.xliff2 import Xliff2File

    root = course()
    xliff = export(root, "ar")
    set_target(xliff, "module.basics.title", "الأساسيات الجديدة")
    store = Xliff2File.parsefile(str(xliff))
    units = {unit.getid(): unit for unit in store.units}
    assert len(units) == 35 and store.getsourcelanguage() == "en" and store.gettargetlanguage() == "ar"
    assert units["module.basics.title"].target == "الأساسيات الجديدة"
    assert units["module.basics.title"].istranslated()
    assert not units["page.basics.dignity.dignity-in-practice.1"].istranslated()  # state initial: needs review


def test_emit_scalar_chooses_plain_quoted_or_folded():
    """Plain when safe and short, double quotes when plain would change the value, >- folded when long."""
    assert emit_scalar("Next", 6, 0) == "Next"
    assert emit_scalar("True", 6, 0) == '"True"'
    assert emit_scalar("{done} of {total}", 6, 0) == '"{done} of {total}"'
    assert emit_scalar("Note: read this", 6, 0) == '"Note: read this"'
    long = "word " * 40
    folded = emit_scalar(long.strip(), 14, 4)
    assert folded.startswith(">-\n      word") and all(len(line) <= 115 for line in folded.split("\n"))
    assert yaml.safe_load("    k: " + folded + "\n") == {"k": long.strip()}


def test_update_yaml_keeps_comments_and_inserts_new_keys_beside_their_siblings():
    """Only the changed value moves; a new key lands after the key that precedes it in the source."""
    text = "# interface strings\nnext: Suivant  # button\nprogress: Page {current} of {total}\n"
    order = [("next",), ("back",), ("progress",)]
    out = update_yaml(text, {("back",): "Retour", ("progress",): "Page {current} sur {total}"}, order)
    assert out == ("# interface strings\nnext: Suivant  # button\nback: Retour\n"
                   "progress: Page {current} sur {total}\n")


def test_yaml_from_template_drops_comments_and_untranslated_keys():
    """A new file copies the source's layout without its comments or the keys that have no translation."""
    template = "# English\ntitle: Basics\nobjectives:\n  a: One\n  b: Two\nquestions:\n  q:\n    prompt: Why?\n"
    order = [("title",), ("objectives", "a"), ("objectives", "b"), ("questions", "q", "prompt")]
    out = yaml_from_template(template, {("title",): "Bases", ("objectives", "b"): "Deux"}, order)
    assert out == "title: Bases\nobjectives:\n  b: Deux\n"
