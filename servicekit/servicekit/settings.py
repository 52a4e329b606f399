"""Settings every service shares, built from environment variables.

Each service's `config/settings.py` calls `service_settings(...)` and adds only what is its
own. Values come from the environment; on a developer machine a `var/env/<service>.env`
file written by `manage_all.sh up` fills in what the environment does not set.
In production (`DJANGO_ENV=production`) secrets have no defaults and development values
are refused, so a misconfigured deployment fails at start rather than running insecurely.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_PREFIX = "dev-insecure-"  # noqa: S105 (marks values production refuses)


def load_env(name: str, repo_root: Path) -> environ.Env:
    env = environ.Env()
    env_file = Path(env.str("SHOP_ENV_DIR", default=str(repo_root / "var" / "env"))) / f"{name}.env"
    if env_file.is_file():
        env.read_env(env_file)  # variables already in the environment win
    return env


def refuse_development_values(*, debug: bool, secrets: dict[str, str], allowed_hosts: list[str]) -> None:
    """Raise ImproperlyConfigured when a production process would run with development values."""
    problems = []
    if debug:
        problems.append("DJANGO_DEBUG must be off")
    for name, value in secrets.items():
        if not value or value.startswith(DEV_SECRET_PREFIX) or len(value) < 32:
            problems.append(f"{name} must be set to a real secret of 32 characters or more")
    if "*" in allowed_hosts:
        problems.append("DJANGO_ALLOWED_HOSTS must name the hosts")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))


def celery_settings(name: str, broker_url: str, env: environ.Env) -> dict:
    """Celery for events: late acks, redelivery on worker loss, confirms, JSON only."""
    from kombu import Queue

    from .events.topology import EVENTS_EXCHANGE, LANES, queue_name

    return {
        "CELERY_BROKER_URL": broker_url,
        "CELERY_BROKER_TRANSPORT_OPTIONS": {"confirm_publish": True},
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        # A broker that goes away is noticed within two heartbeats (Celery's default waits
        # 120 s), and the worker reconnects for as long as it takes.
        "CELERY_BROKER_HEARTBEAT": env.int("BROKER_HEARTBEAT", default=10),
        "CELERY_BROKER_CONNECTION_TIMEOUT": 4,
        "CELERY_BROKER_CONNECTION_MAX_RETRIES": None,
        # ... retrying every 1-2 s, not at intervals growing to 30 s (celery_consumer.py).
        "CELERY_WORKER_CONSUMER": "servicekit.celery_consumer:PromptlyReconnectingConsumer",
        # Tasks still running when the connection drops cannot be acknowledged: cancel them (the
        # broker redelivers their messages, and the inbox drops what was already applied).
        "CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS": True,
        "CELERY_TASK_SERIALIZER": "json",
        "CELERY_ACCEPT_CONTENT": ["json"],
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        # A task that fails in a way nobody planned for is rejected into the dead-letter queue,
        # never acknowledged (and so never lost).
        "CELERY_TASK_ACKS_ON_FAILURE": False,
        "CELERY_TASK_IGNORE_RESULT": True,
        "CELERY_TASK_TIME_LIMIT": 120,
        "CELERY_TASK_SOFT_TIME_LIMIT": 100,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        # Services share the vhost: stay out of each other's way.
        "CELERY_WORKER_ENABLE_REMOTE_CONTROL": False,
        # Task events cost every event a monitoring message and Flower the work of reading it
        # (about 8 ms of CPU per order, measured): off unless someone wants to watch tasks in
        # Flower (TASK_EVENTS=true ./manage_all.sh up). Workers still send heartbeats, so Flower
        # always shows them and their queues.
        "CELERY_WORKER_SEND_TASK_EVENTS": env.bool("TASK_EVENTS", default=False),
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        # The topology is declared at provisioning (declare_event_topology): neither workers nor
        # relays declare anything, so each broker user needs no rights beyond its own names.
        "CELERY_TASK_DEFAULT_QUEUE": queue_name(name),
        "CELERY_TASK_DEFAULT_EXCHANGE": EVENTS_EXCHANGE.name,
        "CELERY_TASK_DEFAULT_EXCHANGE_TYPE": EVENTS_EXCHANGE.type,
        "CELERY_TASK_QUEUES": [Queue(queue_name(name, lane), no_declare=True) for lane in LANES],
        "CELERY_TASK_CREATE_MISSING_QUEUES": False,
        # About 18-35 s of retries before a dead letter: long enough for an event from another
        # producer that arrives late (its relay restarted), short enough to surface a poison.
        "EVENT_MAX_RETRIES": env.int("EVENT_MAX_RETRIES", default=7),
        "EVENT_RETRY_BASE_SECONDS": env.float("EVENT_RETRY_BASE_SECONDS", default=0.5),
        "EVENT_RETRY_MAX_SECONDS": env.float("EVENT_RETRY_MAX_SECONDS", default=10.0),
    }


def service_settings(
    *, name: str, base_dir: Path, apps: list[str], event_handlers: str | None = None, converge_commands=()
) -> dict:
    """The settings dict for service `name`; the caller merges it into its module globals."""
    repo_root = base_dir.parent
    env = load_env(name, repo_root)
    production = env.str("DJANGO_ENV", default="development") == "production"
    # In production a missing secret is an error, not a silent default.
    dev_default = environ.Env.NOTSET if production else f"{DEV_SECRET_PREFIX}{name}"

    debug = env.bool("DJANGO_DEBUG", default=False)
    secret_key = env.str("DJANGO_SECRET_KEY", default=dev_default)
    gateway_secret = env.str("GATEWAY_SECRET", default=dev_default)
    allowed_hosts = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
    if production:
        refuse_development_values(
            debug=debug,
            secrets={"DJANGO_SECRET_KEY": secret_key, "GATEWAY_SECRET": gateway_secret},
            allowed_hosts=allowed_hosts,
        )

    var_dir = Path(env.str("SHOP_VAR", default=str(repo_root / "var")))  # as manage_all.sh and the images set it
    admin_prefix = f"/{name}/admin/"
    database = env.db("DATABASE_URL", default=f"postgres://shop_{name}@127.0.0.1:5432/shop_{name}")
    # A connection idle for a second is pinged before use; a busy one is not (servicekit.db).
    database["ENGINE"] = "servicekit.db"
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    database["CONN_HEALTH_CHECKS"] = True
    options = database.setdefault("OPTIONS", {})
    options["connect_timeout"] = 3
    # Parameters travel apart from the statement (psycopg's binary dumpers, no quoting in
    # Python), and a statement run five times on a connection is prepared: PostgreSQL parses
    # and plans it once per connection instead of once per execution.
    # (Django turns preparation off by default for the sake of transaction-mode poolers such as
    # PgBouncer; the services connect to PostgreSQL directly. DATABASE_PREPARE_THRESHOLD=""
    # turns it off behind such a pooler.)
    options["server_side_binding"] = env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
    threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    options["prepare_threshold"] = int(threshold) if threshold else None

    broker_url = env.str("BROKER_URL", default="amqp://guest:guest@127.0.0.1:5672/shop")
    return {
        **celery_settings(name, broker_url, env=env),
        # The environment reader every service's own settings go through (one style for all).
        "ENV": env,
        # The module whose @handles functions consume events (None: this service consumes none).
        "EVENT_HANDLERS": event_handlers,
        # Management commands `converge` runs after migrating (a service's own set-up steps).
        "CONVERGE_COMMANDS": list(converge_commands),
        "SERVICE_NAME": name,
        # Every service of the platform (from its manifest), for the links between their pages.
        "SHOP_SERVICES": env.list("SHOP_SERVICES", default=[name]),
        "PRODUCTION": production,
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        "GATEWAY_SECRET": gateway_secret,
        "ALLOWED_HOSTS": allowed_hosts,
        "VAR_DIR": var_dir,
        "REPO_ROOT": repo_root,  # deploy/ (the platform manifest) is read from here
        # Service-to-service credentials (service_auth.py): this service's private key and
        # every service's public key, generated at set-up.
        "SERVICE_KEYS_DIR": Path(env.str("SERVICE_KEYS_DIR", default=str(var_dir / "keys" / "services"))),
        "SERVICE_TOKEN_SECONDS": env.int("SERVICE_TOKEN_SECONDS", default=60),
        # Traces (tracing.py) and metrics (metrics.py): files every process of the service shares.
        "TRACES_DIR": Path(env.str("TRACES_DIR", default=str(var_dir / "traces"))),
        "TRACE_FILE_MAX_BYTES": env.int("TRACE_FILE_MAX_BYTES", default=20 * 1024 * 1024),
        "METRICS_DIR": Path(env.str("PROMETHEUS_MULTIPROC_DIR", default=str(var_dir / "metrics" / name))),
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "rest_framework",
            "drf_spectacular",
            "drf_spectacular_sidecar",  # Swagger UI and ReDoc served by the service: no CDN
            "servicekit",
            *apps,
        ],
        "MIDDLEWARE": [
            "servicekit.request_id.RequestIdMiddleware",
            "servicekit.metrics.RequestMetricsMiddleware",
            "servicekit.tracing.TracingMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "servicekit.identity.GatewayIdentityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "servicekit.admin_sso.GatewayAdminLoginMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "AUTHENTICATION_BACKENDS": [
            "servicekit.admin_sso.GatewayStaffBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        "GATEWAY_SSO_SHADOW_USERS": True,
        "ADMIN_URL_PREFIX": admin_prefix,
        "ROOT_URLCONF": "config.urls",
        "WSGI_APPLICATION": "config.wsgi.application",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                # servicekit's templates first: they give every admin, browsable API and docs
                # page the shop's name, navigation and session renewal.
                "DIRS": [Path(__file__).resolve().parent / "templates"],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "servicekit.context_processors.shop",
                    ]
                },
            }
        ],
        "DATABASES": {"default": database},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        # Caches and sessions live in Redis, so any instance can serve any request.
        "CACHES": {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": env.str("REDIS_URL", default="redis://127.0.0.1:6379/0"),
                "KEY_PREFIX": name,  # the service's Redis ACL user may touch only "<name>:*"
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
            }
        },
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
        "SESSION_COOKIE_NAME": f"{name}_session",
        "SESSION_COOKIE_PATH": f"/{name}/",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_AGE": 8 * 3600,
        "CSRF_COOKIE_NAME": f"{name}_csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_FAILURE_VIEW": "servicekit.errors.csrf_failure",
        "CSRF_TRUSTED_ORIGINS": env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=["https://localhost:8443"]),
        # Only the gateway talks to us, and it terminates TLS.
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "USE_X_FORWARDED_HOST": False,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        # The gateway redirects to HTTPS and sends HSTS; in production the service insists too
        # (defence in depth), except where the gateway or a probe calls it over loopback.
        "SECURE_SSL_REDIRECT": production,
        "SECURE_REDIRECT_EXEMPT": [r"^internal/", r"^api/[a-z]+/(healthz|readyz)$"],
        "SECURE_HSTS_SECONDS": 31536000 if production else 0,
        # A shop's domain serves nothing but HTTPS: say so for subdomains and the preload list.
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True),
        "SECURE_HSTS_PRELOAD": env.bool("SECURE_HSTS_PRELOAD", default=True),
        "X_FRAME_OPTIONS": "DENY",
        "BROKER_URL": broker_url,
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
        "LANGUAGE_CODE": "en-us",
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": f"/{name}/static/",
        # The gateway serves /<name>/static/ straight from var/static/<name>/static/.
        "STATIC_ROOT": var_dir / "static" / name / "static",
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["servicekit.identity.GatewayIdentityAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_RENDERER_CLASSES": [
                "rest_framework.renderers.JSONRenderer",
                "rest_framework.renderers.BrowsableAPIRenderer",
            ],
            "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
            "DEFAULT_SCHEMA_CLASS": "servicekit.openapi.ShopAutoSchema",
            "EXCEPTION_HANDLER": "servicekit.errors.api_exception_handler",
            "DEFAULT_PAGINATION_CLASS": "servicekit.pagination.NewestFirstCursorPagination",
            "PAGE_SIZE": 20,
            "UNAUTHENTICATED_USER": None,
        },
        "SPECTACULAR_SETTINGS": {
            "TITLE": f"shop {name} API",
            "VERSION": "1.0.0",
            "SERVE_INCLUDE_SCHEMA": False,
            "SWAGGER_UI_DIST": "SIDECAR",
            "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
            "REDOC_DIST": "SIDECAR",
            "SCHEMA_PATH_PREFIX": f"/api/{name}",
            "COMPONENT_SPLIT_REQUEST": True,
            "POSTPROCESSING_HOOKS": [
                "drf_spectacular.hooks.postprocess_schema_enums",
                "servicekit.openapi.add_platform_errors",
            ],
        },
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"request_id": {"()": "servicekit.request_id.RequestIdLogFilter"}},
            "formatters": {"json": {"()": "servicekit.json_logging.JsonFormatter"}},
            "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
            "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
            # One line per task received and succeeded is noise at hundreds of events a second;
            # failures, retries and dead letters are still logged (WARNING and up).
            "loggers": {
                "celery.app.trace": {"level": env.str("TASK_LOG_LEVEL", default="WARNING")},
                "celery.worker.strategy": {"level": env.str("TASK_LOG_LEVEL", default="WARNING")},
            },
        },
    }
