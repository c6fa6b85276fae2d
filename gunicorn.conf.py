"""gunicorn's settings for the image and docker-compose (`gunicorn --config gunicorn.conf.py`).

The access log names each request by its path alone: a query string holds what people
search for (names, document numbers), and so does the page a request came from (the
Referer), so neither is logged.
"""

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
# Remote address, time, method, path and protocol, status, bytes sent, duration (ms), user
# agent. Not %(r)s (the request line with its query string), %(q)s, %(f)s (the Referer),
# nor request headers (%({name}i)s: cookies, Authorization).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
