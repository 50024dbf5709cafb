# Scores JSON lines {"text"} from stdin with PyPI alt-profanity-check (a calibrated linear SVM over TF-IDF), one
# probability per line on stdout. Used by bench/classifier.ts --baseline-python <venv python>.
import json
import sys

from profanity_check import predict_prob

texts = [json.loads(line)["text"] for line in sys.stdin if line.strip()]
for p in predict_prob(texts):
    sys.stdout.write(f"{float(p):.6f}\n")
