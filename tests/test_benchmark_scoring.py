"""The board's metrics (benchmarks/_scoring.py): what counts as the same text."""

import unicodedata

from benchmarks import _scoring as scoring

TEXT = "Die Gemeinde prüft für die Bürger eine größere Lösung über das Jahr hinaus."


def test_canonically_equivalent_bodies_score_as_the_same_words():
    decomposed = unicodedata.normalize("NFD", TEXT)
    assert decomposed != TEXT
    assert scoring.page_f1(*scoring.body_counts(decomposed, TEXT)) == 1.0
    assert scoring.page_f1(*scoring.body_counts(TEXT, decomposed)) == 1.0


def test_a_different_word_still_counts_against_the_body():
    other = TEXT.replace("größere", "kleinere")
    assert scoring.page_f1(*scoring.body_counts(TEXT, other)) < 1.0


def test_snippets_are_found_in_either_normal_form():
    decomposed = unicodedata.normalize("NFD", TEXT)
    assert scoring.snippet_shares(decomposed, ["größere Lösung"], ["Bürgermeister"]) == (1.0, 1.0)
    assert scoring.snippet_shares(TEXT, [unicodedata.normalize("NFD", "für die")], ["prüft"]) == (1.0, 0.0)


def test_headlines_that_print_alike_are_the_same():
    assert scoring.same_title("Ein bisschen Fortschritt\u200b", "Ein bisschen Fortschritt")
    assert scoring.same_title("Selbst\u00adbestimmung", "Selbstbestimmung")
    assert not scoring.same_title("Ein bisschen Fortschritt", "Ein großer Fortschritt")
