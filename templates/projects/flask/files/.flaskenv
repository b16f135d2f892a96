# Read by the flask command (python-dotenv): `flask run`, `flask db upgrade` find the app.
FLASK_APP={{ package_name }}
