"""The frontend's TrainConfig schema snapshot (used by its unit tests) matches the server's."""

import json
import pathlib

from akid.train.config import train_config_schema

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "frontend" / "src" / "runs" / "train-config-schema.fixture.json"


def test_train_config_schema_snapshot_is_current():
    assert json.loads(FIXTURE.read_text()) == json.loads(json.dumps(train_config_schema())), (
        'regenerate: python -c "import json; from akid.train.config import train_config_schema; '
        f"json.dump(train_config_schema(), open('{FIXTURE.relative_to(FIXTURE.parents[3])}', 'w'), indent=1)\""
    )
