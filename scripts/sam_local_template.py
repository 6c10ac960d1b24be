"""Writes the template SAM runs locally: template.yaml with each function's CodeUri pointing at a folder
that holds its release binary as `bootstrap` (scripts/sam-local.sh builds them for the host), so no
`sam build` (cargo-lambda, zig) is needed. Everything else is the template that deploys.

    python3 scripts/sam_local_template.py TEMPLATE BUILD_DIR TARGET_DIR  -> prints function=binary lines
"""

import os
import re
import shutil
import sys

template, build_dir, target_dir = sys.argv[1:4]
lines = open(template, encoding="utf-8").read().splitlines()
out, functions = [], {}
resource, binary = None, None
for line in lines:
    m = re.match(r"^  ([A-Za-z0-9]+):$", line)
    if m:
        resource, binary = m.group(1), None
    b = re.match(r"^\s+Binary: ([a-z]+)$", line)
    if b:
        binary = b.group(1)
    if line.strip() == "CodeUri: ." and resource and binary:
        code = os.path.join(build_dir, resource)
        os.makedirs(code, exist_ok=True)
        shutil.copy2(os.path.join(target_dir, binary), os.path.join(code, "bootstrap"))
        functions[resource] = binary
        line = line.replace("CodeUri: .", f"CodeUri: {code}")
    out.append(line)
with open(os.path.join(build_dir, "template.yaml"), "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
for resource, binary in functions.items():
    print(f"{resource}={binary}")
