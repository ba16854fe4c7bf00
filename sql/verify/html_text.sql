-- Verify pgchatter:html_text on pg

BEGIN;

SELECT 1 / (chatter.html_text('<p>Caf&eacute; &lt;b&gt;</p><script>x</script>y') = E'Café <b>\ny')::integer;

ROLLBACK;
