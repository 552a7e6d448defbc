import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello_world():
    hostname = os.uname()[1]
    return f"Hello, World! from {hostname}"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")
