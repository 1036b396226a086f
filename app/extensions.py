"""The Flask extensions, created unbound and attached in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """The base class of every table."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
# Only pages where someone could guess a password or a code, or start learners by the thousand, are limited
# (app/ratelimits).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
