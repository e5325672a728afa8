"""Records PyOD's own PCA, KNN, LOF, HBOS, ECOD, COPOD and IForest outputs on a few small datasets, for the Swift detector tests.

Run from this folder with PyOD installed (the versions used are written into the output):
    python3 -m venv /tmp/pyod && /tmp/pyod/bin/pip install pyod scikit-learn numpy
    /tmp/pyod/bin/python make_fixtures.py > pyod_fixtures.json
"""
import json

import numpy as np
import pyod
import sklearn
from pyod.models.copod import COPOD
from pyod.models.ecod import ECOD
from pyod.models.hbos import HBOS
from pyod.models.iforest import IForest
from pyod.models.knn import KNN
from pyod.models.lof import LOF
from pyod.models.pca import PCA


def datasets():
    rng = np.random.default_rng(20261129)
    # Independent Gaussian features with a few planted outliers.
    train = rng.normal(size=(200, 6))
    test = rng.normal(size=(40, 6))
    test[:5] += rng.normal(loc=4.0, size=(5, 6))
    yield "gaussian", train, test
    # Correlated features, as lagged copies of a smoothed series are.
    base = np.cumsum(rng.normal(size=400))
    lagged = np.column_stack([base[5 - k: 400 - k] for k in range(6)])
    yield "lagged_walk", lagged[:300], lagged[300:]
    # Few rows, three features of very different scales.
    small = np.column_stack([rng.normal(0, 1, 30), rng.normal(100, 20, 30), rng.normal(0, 0.01, 30)])
    small_test = np.column_stack([rng.normal(0, 1, 10), rng.normal(100, 20, 10), rng.normal(0, 0.01, 10)])
    small_test[0] = [5, 200, 0.1]
    yield "small_scales", small, small_test


def record(name, train, test):
    out = {"name": name, "train": train.tolist(), "test": test.tolist()}
    pca = PCA(contamination=0.01).fit(train)
    out["pca_train_scores"] = pca.decision_scores_.tolist()
    out["pca_test_scores"] = pca.decision_function(test).tolist()
    out["pca_test_proba"] = pca.predict_proba(test)[:, 1].tolist()
    knn = KNN(contamination=0.01, n_neighbors=5, method="largest").fit(train)
    out["knn_train_scores"] = knn.decision_scores_.tolist()
    out["knn_test_scores"] = knn.decision_function(test).tolist()
    out["knn_test_proba"] = knn.predict_proba(test)[:, 1].tolist()
    lof = LOF(contamination=0.01, n_neighbors=20).fit(train)
    out["lof_train_scores"] = lof.decision_scores_.tolist()
    out["lof_test_scores"] = lof.decision_function(test).tolist()
    out["lof_test_proba"] = lof.predict_proba(test)[:, 1].tolist()
    hbos = HBOS(contamination=0.01).fit(train)
    out["hbos_train_scores"] = hbos.decision_scores_.tolist()
    out["hbos_test_scores"] = hbos.decision_function(test).tolist()
    for name, model in [("ecod", ECOD(contamination=0.01)), ("copod", COPOD(contamination=0.01))]:
        model.fit(train)
        out[name + "_train_scores"] = model.decision_scores_.tolist()
        # Scored together, as the score job scores its batch of recent points, and one by one.
        out[name + "_test_scores"] = model.decision_function(test).tolist()
        out[name + "_test_alone_scores"] = [float(model.decision_function(row[None, :])[0]) for row in test]
    # A random forest cannot match draw for draw: the Swift test compares scikit-learn's
    # 2^(-E[h]/c) (minus score_samples; PyOD shifts it by a constant) with many trees.
    forest = IForest(n_estimators=2000, random_state=0).fit(train)
    out["iforest_train_scores"] = (-forest.detector_.score_samples(train)).tolist()
    out["iforest_test_scores"] = (-forest.detector_.score_samples(test)).tolist()
    return out


print(json.dumps({
    "pyod_version": pyod.__version__,
    "sklearn_version": sklearn.__version__,
    "numpy_version": np.__version__,
    "datasets": [record(*d) for d in datasets()],
}, indent=1))
