"""A hello-world Flask app, served by pages_bench.py with the market's gunicorn.conf.py.

The floor under every page's figure: what gunicorn, Flask and the load generator cost
for a request that does nothing.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello, world"
