-- Deploy pgchatter:html_text to pg
-- requires: ownership

BEGIN;

-- HTML as plain text, the one rule for it: the notification preview (notification_payload: toast, bell,
-- Web Push) and the text/plain part of every email both read it from here. What a reader never sees goes
-- (comments, scripts, styles: the sanitizer drops them too); block elements and <br> end a line, list
-- items start with "- ", a web or mail link is followed by its target in <>; other tags vanish without
-- a space (un<b>break</b>able); a "<" that starts no tag is text; entities are decoded last (HTML 4's
-- names and &apos;, numeric references as the HTML standard reads them), so an escaped "&lt;b&gt;" is the
-- text "<b>". Runs of white space become one space; at most one blank line.
-- Cost: a few regular-expression passes and one loop over the "&"s, linear in the body: up to about 1.5 s
-- for the densest 500,000 characters chatter.limits lets in; the preview reads 2,000 characters (< 1 ms)
-- and the listener asks once per message.
CREATE FUNCTION chatter.html_text(html text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
    -- \x01 \x02 stand for the <> around a link target and \x03 for a line break until tags are gone.
    t text := pg_catalog.translate(html, E'\x01\x02\x03', '');
    entities constant jsonb :=
        '{"AElig": "Æ","Aacute": "Á","Acirc": "Â","Agrave": "À","Alpha": "Α","Aring": "Å","Atilde": "Ã","Auml": "Ä",
          "Beta": "Β","Ccedil": "Ç","Chi": "Χ","Dagger": "‡","Delta": "Δ","ETH": "Ð","Eacute": "É","Ecirc": "Ê",
          "Egrave": "È","Epsilon": "Ε","Eta": "Η","Euml": "Ë","Gamma": "Γ","Iacute": "Í","Icirc": "Î","Igrave": "Ì",
          "Iota": "Ι","Iuml": "Ï","Kappa": "Κ","Lambda": "Λ","Mu": "Μ","Ntilde": "Ñ","Nu": "Ν","OElig": "Œ",
          "Oacute": "Ó","Ocirc": "Ô","Ograve": "Ò","Omega": "Ω","Omicron": "Ο","Oslash": "Ø","Otilde": "Õ",
          "Ouml": "Ö","Phi": "Φ","Pi": "Π","Prime": "″","Psi": "Ψ","Rho": "Ρ","Scaron": "Š","Sigma": "Σ",
          "THORN": "Þ","Tau": "Τ","Theta": "Θ","Uacute": "Ú","Ucirc": "Û","Ugrave": "Ù","Upsilon": "Υ","Uuml": "Ü",
          "Xi": "Ξ","Yacute": "Ý","Yuml": "Ÿ","Zeta": "Ζ","aacute": "á","acirc": "â","acute": "´","aelig": "æ",
          "agrave": "à","alefsym": "ℵ","alpha": "α","amp": "&","and": "∧","ang": "∠","aring": "å","asymp": "≈",
          "atilde": "ã","auml": "ä","bdquo": "„","beta": "β","brvbar": "¦","bull": "•","cap": "∩","ccedil": "ç",
          "cedil": "¸","cent": "¢","chi": "χ","circ": "ˆ","clubs": "♣","cong": "≅","copy": "©","crarr": "↵",
          "cup": "∪","curren": "¤","dArr": "⇓","dagger": "†","darr": "↓","deg": "°","delta": "δ","diams": "♦",
          "divide": "÷","eacute": "é","ecirc": "ê","egrave": "è","empty": "∅","emsp": " ","ensp": " ",
          "epsilon": "ε","equiv": "≡","eta": "η","eth": "ð","euml": "ë","euro": "€","exist": "∃","fnof": "ƒ",
          "forall": "∀","frac12": "½","frac14": "¼","frac34": "¾","frasl": "⁄","gamma": "γ","ge": "≥","gt": ">",
          "hArr": "⇔","harr": "↔","hearts": "♥","hellip": "…","iacute": "í","icirc": "î","iexcl": "¡","igrave": "ì",
          "image": "ℑ","infin": "∞","int": "∫","iota": "ι","iquest": "¿","isin": "∈","iuml": "ï","kappa": "κ",
          "lArr": "⇐","lambda": "λ","lang": "〈","laquo": "«","larr": "←","lceil": "⌈","ldquo": "“","le": "≤",
          "lfloor": "⌊","lowast": "∗","loz": "◊","lrm": "‎","lsaquo": "‹","lsquo": "‘","lt": "<","macr": "¯",
          "mdash": "—","micro": "µ","middot": "·","minus": "−","mu": "μ","nabla": "∇","nbsp": " ","ndash": "–",
          "ne": "≠","ni": "∋","not": "¬","notin": "∉","nsub": "⊄","ntilde": "ñ","nu": "ν","oacute": "ó",
          "ocirc": "ô","oelig": "œ","ograve": "ò","oline": "‾","omega": "ω","omicron": "ο","oplus": "⊕","or": "∨",
          "ordf": "ª","ordm": "º","oslash": "ø","otilde": "õ","otimes": "⊗","ouml": "ö","para": "¶","part": "∂",
          "permil": "‰","perp": "⊥","phi": "φ","pi": "π","piv": "ϖ","plusmn": "±","pound": "£","prime": "′",
          "prod": "∏","prop": "∝","psi": "ψ","quot": "\"","rArr": "⇒","radic": "√","rang": "〉","raquo": "»",
          "rarr": "→","rceil": "⌉","rdquo": "”","real": "ℜ","reg": "®","rfloor": "⌋","rho": "ρ","rlm": "‏",
          "rsaquo": "›","rsquo": "’","sbquo": "‚","scaron": "š","sdot": "⋅","sect": "§","shy": "­","sigma": "σ",
          "sigmaf": "ς","sim": "∼","spades": "♠","sub": "⊂","sube": "⊆","sum": "∑","sup": "⊃","sup1": "¹",
          "sup2": "²","sup3": "³","supe": "⊇","szlig": "ß","tau": "τ","there4": "∴","theta": "θ","thetasym": "ϑ",
          "thinsp": " ","thorn": "þ","tilde": "˜","times": "×","trade": "™","uArr": "⇑","uacute": "ú","uarr": "↑",
          "ucirc": "û","ugrave": "ù","uml": "¨","upsih": "ϒ","upsilon": "υ","uuml": "ü","weierp": "℘","xi": "ξ",
          "yacute": "ý","yen": "¥","yuml": "ÿ","zeta": "ζ","zwj": "‍","zwnj": "‌","apos": "''"}'::jsonb;
    lowered text;
    pieces text[];
    piece text;
    decoded text[];
    found text;
    digits text;
    cp integer;
    used integer;
BEGIN
    IF t IS NULL OR t = '' THEN
        RETURN t;
    END IF;
    IF strpos(t, '<') > 0 THEN
        -- ((...){1,1}? makes the whole match the shortest: in PostgreSQL a match is as greedy as its first
        -- quantifier, so without it one comment or script would swallow the text up to the last one.)
        -- (Each pass only when its tag can be there: most bodies have no comment, script, link or list.)
        lowered := lower(t);
        IF strpos(t, '<!--') > 0 THEN
            t := regexp_replace(t, '(<!--.*?(-->|$)){1,1}?', '', 'g');
        END IF;
        IF strpos(lowered, '<script') > 0 OR strpos(lowered, '<style') > 0 THEN
            t := regexp_replace(t, '(<(script|style)\M[^>]*>.*?(</(script|style)\s*>|$)){1,1}?', '', 'gi');
        END IF;
        IF strpos(lowered, '<a') > 0 THEN
            t := regexp_replace(t, '(<a\s[^>]*\mhref\s*=\s*["'']?((https?://|mailto:)[^"''\s>]*)[^>]*>(.*?)</a\s*>){1,1}?',
                                E'\\4 \x01\\2\x02', 'gi');
        END IF;
        IF strpos(lowered, '<li') > 0 THEN
            t := regexp_replace(t, '<li\M[^>]*>', E'\x03- ', 'gi');
        END IF;
        t := regexp_replace(t, '</?(p|div|br|li|ul|ol|tr|table|h[1-6]|blockquote|pre|hr)\M[^>]*>', E'\x03', 'gi');
        t := regexp_replace(t, '<(/?[A-Za-z]|[!?])[^>]*(>|$)', '', 'g');
    END IF;
    -- Entities: a loop over the pieces between "&"s (a regular expression with one match per entity cost
    -- 20 times more on an entity-dense body).
    IF strpos(t, '&') > 0 THEN
        pieces := string_to_array(t, '&');
        decoded := pieces[1:1];
        FOREACH piece IN ARRAY pieces[2:] LOOP
            IF left(piece, 1) <> '#' THEN                           -- &name;
                used := position(';' IN left(piece, 33));
                found := entities ->> left(piece, used - 1);
                decoded := decoded || CASE WHEN used > 1 AND found IS NOT NULL THEN found || substr(piece, used + 1)
                                           ELSE '&' || piece END;
                CONTINUE;
            END IF;
            IF lower(substr(piece, 2, 1)) = 'x' THEN                -- &#xE9;
                used := 2;
                digits := substr(piece, 3, 7);
                digits := left(digits, length(digits) - length(ltrim(digits, '0123456789abcdefABCDEF')));
                cp := CASE WHEN digits <> '' AND length(digits) <= 6 THEN ('x' || lpad(digits, 8, '0'))::bit(32)::integer END;
            ELSE                                                    -- &#233;
                used := 1;
                digits := substr(piece, 2, 8);
                digits := left(digits, length(digits) - length(ltrim(digits, '0123456789')));
                cp := CASE WHEN digits <> '' AND length(digits) <= 7 THEN digits::integer END;
            END IF;
            IF cp IS NULL THEN
                decoded := decoded || ('&' || piece);
                CONTINUE;
            END IF;
            used := used + length(digits) + (substr(piece, used + length(digits) + 1, 1) = ';')::integer;
            -- As the HTML standard reads a reference: 128-159 are Windows-1252, what is no character is
            -- U+FFFD, control characters vanish.
            cp := CASE WHEN cp BETWEEN 128 AND 159
                       THEN (ARRAY[8364,129,8218,402,8222,8230,8224,8225,710,8240,352,8249,338,141,381,143,144,8216,
                                   8217,8220,8221,8226,8211,8212,732,8482,353,8250,339,157,382,376])[cp - 127]
                       WHEN cp = 0 OR cp > 1114111 OR cp BETWEEN 55296 AND 57343 THEN 65533
                       ELSE cp END;
            decoded := decoded || (CASE WHEN cp < 32 AND cp NOT IN (9, 10, 12, 13) OR cp = 127 THEN ''
                                        ELSE chr(cp) END || substr(piece, used + 1));
        END LOOP;
        t := array_to_string(decoded, '');
    END IF;
    t := regexp_replace(t, E'[\\s\u00a0]+', ' ', 'g');
    IF strpos(t, E'\x03') > 0 THEN
        t := regexp_replace(t, E' ?\x03 ?', E'\n', 'g');
        t := regexp_replace(t, E'\n{3,}', E'\n\n', 'g');
    END IF;
    RETURN pg_catalog.translate(btrim(t, E' \n'), E'\x01\x02', '<>');
END
$$;
COMMENT ON FUNCTION chatter.html_text(text) IS
    'HTML as plain text (the notification preview and the email''s text part): tags out, lines kept, entities decoded';

-- A body in one line: its text (html_text of a bounded prefix: 2,000 characters give 140 of text, and it
-- runs for every toast, bell entry, push and quoted parent), white space collapsed, cut to 140 characters,
-- < > as the angle quotes ‹ › so that a client which puts it into HTML cannot be made to run markup.
CREATE FUNCTION chatter._preview(html text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT left(translate(btrim(regexp_replace(chatter.html_text(left(html, 2000)), '\s+', ' ', 'g')), '<>', '‹›'), 140)
$$;
COMMENT ON FUNCTION chatter._preview(text) IS
    'A body in one line of at most 140 characters (notification previews, quoted parents), < > as ‹ ›';

ALTER FUNCTION chatter.html_text(text) OWNER TO chatter_owner;
ALTER FUNCTION chatter._preview(text) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter.html_text(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._preview(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.html_text(text), chatter._preview(text) TO chatter_app;

COMMIT;
