"""Import ▸ Keras model file: a .keras made here opens on the canvas, a run fine-tunes from its weights.

The inspector's ``trainable`` toggle (from the block spec's param) freezes the conv layer; the run
log lists the loaded and frozen nodes; the finished run downloads as a ``.keras`` file.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from editor_helpers import choose_keras_file, import_keras_file
from playwright.sync_api import Page, expect


@pytest.fixture(scope="module")
def keras_file(tmp_path_factory):
    import keras

    inp = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv")(inp)
    x = keras.layers.Flatten(name="flat")(x)
    out = keras.layers.Dense(10, name="label")(x)
    path = tmp_path_factory.mktemp("keras") / "keras_digits.keras"
    keras.Model(inp, out, name="keras_digits").save(path)
    return path


def test_import_keras_file_and_fine_tune(page: Page, server, shot, keras_file):
    import_keras_file(page, keras_file)
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.get_by_test_id("graph-name")).to_have_value("keras_digits")

    # the inspector renders the spec's trainable param: freeze the conv layer
    page.locator(".react-flow__node[data-id=conv]").click()
    toggle = page.get_by_test_id("param-trainable")
    expect(toggle).to_be_checked()
    toggle.uncheck()
    shot("imported")

    page.get_by_test_id("train-button").click()
    expect(page.get_by_test_id("train-dialog")).to_be_visible()
    page.get_by_test_id("dataset-select").select_option("digits")
    option = page.get_by_test_id("init-weights-checkbox")
    expect(option).to_be_checked()
    expect(page.get_by_test_id("init-weights-option")).to_contain_text("imported from keras_digits.keras")
    page.get_by_test_id("field-epochs").fill("1")
    shot("train-dialog")
    page.get_by_test_id("start-run").click()

    expect(page.get_by_test_id("run-status")).to_have_attribute("data-state", "completed", timeout=120000)
    logs = page.get_by_test_id("run-logs")
    expect(logs).to_contain_text("loaded 2 nodes ['conv', 'label']")
    expect(logs).to_contain_text("frozen (trainable=false) ['conv']")
    link = page.get_by_test_id("export-run-keras")
    expect(link).to_be_visible()
    shot("run")
    resp = page.request.get(link.get_attribute("href"))
    assert resp.status == 200
    with zipfile.ZipFile(io.BytesIO(resp.body())) as z:
        assert "config.json" in z.namelist() and "model.weights.h5" in z.namelist()


def test_unsupported_keras_model_lists_every_problem(page: Page, server, shot, tmp_path):
    import keras

    inp = keras.Input((4,))
    h = keras.layers.Dense(4, kernel_regularizer="l2", name="reg1")(inp)
    out = keras.layers.Dense(2, bias_regularizer="l1", name="reg2")(h)
    path = tmp_path / "refused.json"
    path.write_text(keras.Model(inp, out).to_json())
    choose_keras_file(page, path)
    errors = page.get_by_test_id("keras-import-errors")
    expect(errors.locator("li")).to_have_count(2, timeout=60000)
    expect(errors).to_contain_text("reg1")
    expect(errors).to_contain_text("reg2")
    shot("refused")
