/* xml.h — the little XML pqsh reads (STS answers, XML error bodies), through libxml2.
 *
 * A document is parsed once with the network, entity expansion and libxml2's
 * own error printing off (the core never prints); values are then looked up
 * by a short path of element names, namespaces ignored.
 *
 * Ownership: pq_xml_parse returns a document to pq_xml_free; pq_xml_text
 * returns a new string (free()).
 */
#ifndef PQSH_AWS_XML_H
#define PQSH_AWS_XML_H

#include <stddef.h>

struct pq_xml;

/* Parses `len` bytes. NULL when they are not well-formed XML. */
struct pq_xml *pq_xml_parse(const char *text, size_t len);
void pq_xml_free(struct pq_xml *x);

/* Text of the element at `path`, "A/B/C": the first element named A anywhere
 * in the document (depth first), then B a child of it, then C a child of B.
 * NULL when there is no such element. */
char *pq_xml_text(const struct pq_xml *x, const char *path);

#endif
