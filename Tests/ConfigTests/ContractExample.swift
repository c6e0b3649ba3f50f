/// The example configuration of DESIGN.md ("Configuration: proxy.conf"), verbatim.
let contractExample = #"""
    listen 127.0.0.1:8080
    listen [::]:8443 tls
    tls {
        certificate /etc/tokengate/tls.crt
        key         /etc/tokengate/tls.key
    }
    admin 127.0.0.1:9901            # /metrics /healthz /readyz; absent = off
    log_format logfmt               # logfmt | json
    access_log stderr               # stderr | stdout | off | PATH

    limits {
        max_connections  10000
        header_timeout   10s        # whole request head must arrive within this
        body_timeout     60s        # longest pause between two pieces of a body
        idle_timeout     60s        # keep-alive connection with no request
        max_header_bytes 64KiB
        shutdown_timeout 30s        # drain time on SIGTERM
    }

    issuer github {
        issuer     https://token.actions.githubusercontent.com
        # keys from OIDC discovery of `issuer` unless jwks_url or jwks_file is given
        audience   https://github.com/acme
        algorithms RS256
        leeway     30s
    }

    issuer cluster-a {
        issuer     https://kubernetes.default.svc.cluster.local
        jwks_file  /etc/tokengate/cluster-a.jwks.json
        audience   mimir
    }

    route loki-rules {
        host      logs.example.com
        path      /loki/api/v1/rules
        upstream  http://127.0.0.1:3100
        issuers   github
        allow     claims.repository == "acme/alerts" && claims.ref == "refs/heads/main"
        set_header X-Scope-OrgID acme
    }

    route mimir-push {
        path      /api/v1/push
        methods   POST
        upstream  http://mimir.internal:8080
        issuers   cluster-a
        allow     claims.sub == "system:serviceaccount:monitoring:prometheus"
        set_header X-Scope-OrgID ${claims["kubernetes.io"].namespace}
        max_body  16MiB
    }

    route registry {
        path        /v2/
        upstream    http://127.0.0.1:5000
        preserve_host on
        issuers     github
        token_from  basic bearer
        allow       claims.repository_owner == "acme"
        response_header Docker-Distribution-Api-Version registry/2.0
    }

    route health {
        path     /ready
        upstream http://127.0.0.1:3100
        auth     off
    }
    """#
