/* xml.c — element lookups in small XML documents with libxml2 (see xml.h). */
#include "aws/xml.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "pqsh/buf.h"

struct pq_xml {
    xmlDocPtr doc;
};

struct pq_xml *pq_xml_parse(const char *text, size_t len)
{
    static bool ready;
    if (!ready) {
        /* Not thread-safe by design, like curl_global_init in http.c. */
        xmlInitParser();
        ready = true;
    }
    if (!text || len == 0 || len > (size_t)1 << 30) return NULL;
    xmlDocPtr doc = xmlReadMemory(text, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                      XML_PARSE_NOBLANKS);
    if (!doc) return NULL;
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return NULL;
    }
    struct pq_xml *x = pq_xmalloc(sizeof *x);
    x->doc = doc;
    return x;
}

void pq_xml_free(struct pq_xml *x)
{
    if (!x) return;
    xmlFreeDoc(x->doc);
    free(x);
}

static bool named(xmlNodePtr n, const char *name, size_t len)
{
    return n->type == XML_ELEMENT_NODE && strlen((const char *)n->name) == len &&
           memcmp(n->name, name, len) == 0;
}

/* First element named `name` at or below `n`, depth first. */
static xmlNodePtr find_anywhere(xmlNodePtr n, const char *name, size_t len)
{
    for (; n; n = n->next) {
        if (named(n, name, len)) return n;
        xmlNodePtr inner = find_anywhere(n->children, name, len);
        if (inner) return inner;
    }
    return NULL;
}

char *pq_xml_text(const struct pq_xml *x, const char *path)
{
    if (!x) return NULL;
    const char *p = path;
    size_t len = strcspn(p, "/");
    xmlNodePtr n = find_anywhere(xmlDocGetRootElement(x->doc), p, len);
    for (p += len; n && *p == '/'; p += len) {
        p++;
        len = strcspn(p, "/");
        xmlNodePtr child = n->children;
        while (child && !named(child, p, len))
            child = child->next;
        n = child;
    }
    if (!n) return NULL;
    xmlChar *content = xmlNodeGetContent(n);
    char *out = pq_xstrdup(content ? (const char *)content : "");
    xmlFree(content);
    return out;
}
