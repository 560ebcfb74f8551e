/* records.h — item files for .import and .export: CSV, TSV, JSON Lines,
 * DynamoDB JSON lines and DynamoDB's S3 export format, read and written one
 * item at a time.
 *
 * Formats:
 *   csv, tsv   a header row of attribute names, one item per row. A header
 *              may carry a type, `price:N`, or `--types` gives them; a typed
 *              cell is the value's DynamoDB JSON payload (S, N and B
 *              without quotes; M, L and sets as JSON: `{"k":{"S":"v"}}`,
 *              `["a","b"]`); the pseudo-type AV holds a whole DynamoDB JSON
 *              value `{"N":"1"}`. An untyped cell that is a JSON number
 *              becomes N, anything else S. An unquoted empty cell is an
 *              absent attribute; a quoted empty cell ("") is the empty
 *              string. Fields are RFC 4180 (quotes, doubled quotes, line
 *              breaks inside quotes); TSV is the same with tabs.
 *   json       JSON Lines of plain JSON: string → S, number → N (exact, as
 *              written), true/false → BOOL, null → NULL, object → M,
 *              array → L. Binary and sets have no plain-JSON form: they are
 *              written as a base64 string and an array.
 *   ddbjson    one DynamoDB JSON item a line: {"id":{"S":"a"}}.
 *   s3         DynamoDB's S3 export: {"Item":{…}} lines, gzip-compressed
 *              (.json.gz), listed by manifest-files.json beside
 *              manifest-summary.json. Reading accepts a data file, a
 *              manifest or the export folder.
 * Any input may be gzip-compressed (zlib reads plain files as they are).
 *
 * Ownership: readers and writers are opened and freed here; items handed
 * out are new references; items passed in are borrowed.
 */
#ifndef PQSH_SHELL_RECORDS_H
#define PQSH_SHELL_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "pqsh/buf.h"
#include "pqsh/error.h"

enum rec_format { REC_NONE = 0, REC_CSV, REC_TSV, REC_JSON, REC_DDBJSON, REC_S3 };

/* "csv", "tsv", "json" (also "jsonl"), "ddbjson", "s3"; REC_NONE if unknown. */
enum rec_format rec_format_named(const char *name);
const char *rec_format_name(enum rec_format f);
/* By the path: .csv .tsv .jsonl/.ndjson/.json, .ddbjson/.ddb.jsonl, .json.gz,
 * manifest-*.json or a folder → s3; an extra .gz is looked through.
 * REC_NONE when the name says nothing. */
enum rec_format rec_format_guess(const char *path);

struct rec_reader;

/* Opens `path` for reading in `format`. `types` is the --types text
 * ("name:N,tags:SS") or NULL. On failure returns NULL with `err` set
 * (PQ_ERR_IO or PQ_ERR_USAGE; the message names the file). */
struct rec_reader *rec_reader_open(const char *path, enum rec_format format, const char *types,
                                   struct pq_error *err);
/* The next item: 1 with *item (new reference), 0 at the end, -1 for a bad
 * record (err set; reading may go on with the next one), -2 for an I/O
 * error (err set; stop). *file and *line say where the record began (file
 * borrowed from the reader, valid until it is freed). */
int rec_read(struct rec_reader *r, json_t **item, const char **file, unsigned long *line,
             struct pq_error *err);
/* Bytes consumed so far and the input's size (compressed bytes for gzip;
 * size 0 when unknown), for progress and ETA. */
void rec_reader_position(const struct rec_reader *r, double *done, double *total);
void rec_reader_free(struct rec_reader *r);

/* Parses one line of plain JSON into an item (a JSON object): numbers keep
 * every digit. -1 with err set when it is not a valid item. */
int rec_parse_plain_item(const char *text, size_t len, json_t **item, struct pq_error *err);

/* Writes one item as a line of `format` (json, ddbjson, s3) to `out`. */
void rec_format_line(enum rec_format format, const json_t *item, struct pq_buf *out);

/* CSV / TSV writing: the header row for `columns` ({name: type name, or
 * "AV"}, in the order given by `order`, an array of names), and one row. */
void rec_csv_header(enum rec_format format, const json_t *order, const json_t *columns,
                    struct pq_buf *out);
void rec_csv_row(enum rec_format format, const json_t *order, const json_t *columns,
                 const json_t *item, struct pq_buf *out);

#endif
