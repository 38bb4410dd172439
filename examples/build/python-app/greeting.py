"""The words the example app says: a module beside app.py, so the image carries an app directory, not one file."""


def greeting(implementation: str, version: str) -> str:
    return f"Hello from {implementation} {version} on sgci's Debian packages"
