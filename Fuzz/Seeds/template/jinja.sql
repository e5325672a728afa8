{% set geos = ['ie', "us", 3] %}{% for g in geos %}{{ loop.index }}{{ g|upper }}{% if not loop.last %},{% endif %}{% endfor %}
{% for m in ['a', 'b'] %}{{ loop.index0 }}{% endfor %}{% if x is defined %}{{ x|default('y') }}{% endif %}{% if z is not defined %}{{ ','.join(geos) }}{% endif %}
{{ metric_batch|replace('a', 'b')|trim|length }} {{ 2.5|round(1) }} {{ geos|first }}{{ geos|last }}{{ "7"|int }}{{ geos|join(', ') }}
