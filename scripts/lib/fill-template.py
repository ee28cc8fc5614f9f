"""fill-template.py TEMPLATE KEY=VALUE...: prints TEMPLATE with every @KEY@ replaced by VALUE (values may span
lines, as a Debian Description or an RPM %description does). An @KEY@ left unfilled is an error."""
import re, sys

text = open(sys.argv[1], encoding="utf-8").read()
for pair in sys.argv[2:]:
    key, value = pair.split("=", 1)
    text = text.replace(f"@{key}@", value)
left = re.findall(r"@[A-Z]+@", text)
if left:
    sys.exit(f"{sys.argv[1]}: {', '.join(sorted(set(left)))} not filled")
sys.stdout.write(text)
