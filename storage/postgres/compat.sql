-- SQLite's functions that the repositories' statements call, as PostgreSQL functions of the same name and
-- result (storage/postgres/dialect.py). Created (or replaced) before the migrations, on every start.

-- instr(text, part): the 1-based position of part in text, 0 when absent.
CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT strpos($1, $2)';

-- SQLite's two-argument min and max: NULL when either is NULL (LEAST and GREATEST skip NULLs).
CREATE OR REPLACE FUNCTION min(anycompatible, anycompatible) RETURNS anycompatible
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT LEAST($1, $2)';
CREATE OR REPLACE FUNCTION max(anycompatible, anycompatible) RETURNS anycompatible
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT GREATEST($1, $2)';

-- json_extract(json text, '$.a.b'): the value at that path, as text (the paths used are plain keys).
CREATE OR REPLACE FUNCTION json_extract(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
    'SELECT $1::json #>> string_to_array(substr($2, 3), ''.'')';

-- group_concat(value[, separator]): the non-NULL values joined, in the order rows come (',' by default).
CREATE OR REPLACE FUNCTION cb_concat(text, text, text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    'SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || $3 || $2 END';
CREATE OR REPLACE FUNCTION cb_concat(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT cb_concat($1, $2, '','')';
CREATE OR REPLACE AGGREGATE group_concat(text, text) (SFUNC = cb_concat, STYPE = text);
CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = cb_concat, STYPE = text);

-- json_group_array(value): the values as a JSON array text, '[]' for no rows.
CREATE OR REPLACE FUNCTION cb_json_array(anycompatiblearray) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT array_to_json($1)::text';
CREATE OR REPLACE AGGREGATE json_group_array(anycompatible) (
    SFUNC = array_append, STYPE = anycompatiblearray, FINALFUNC = cb_json_array, INITCOND = '{}'
);

-- sum(condition): SQLite counts the rows where it holds (a comparison is 0 or 1 there).
CREATE OR REPLACE FUNCTION cb_count_true(bigint, boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CASE WHEN $2 IS NULL THEN $1 ELSE coalesce($1, 0) + $2::integer END';
CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = cb_count_true, STYPE = bigint);
