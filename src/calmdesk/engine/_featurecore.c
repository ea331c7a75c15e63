/* The learned models' integer sums over hashed entries (textfeatures.Featuriser), and the
 * entries of new tokens, in C.
 *
 * numpy computes these without a Python loop, but only through whole-batch passes: the exact
 * row lengths need every entry key of a batch built and sorted (~75,000 per 512 texts), the
 * sums of int8 weight rows gather copies of them first, and a new token's entries are hashed
 * and grouped by sorting the whole batch's. Here each row (or token) is one pass over its
 * entries. The results are the same integers in the same order, so textfeatures keeps its
 * numpy code as the fallback (no compiler, CALMDESK_PURE_PYTHON=1) and the tests compare both.
 *
 * Only the CPython C API and the buffer protocol: the build environment has no numpy. Arrays
 * come from our own code, but every shape, index and order is checked: a wrong one raises
 * ValueError instead of reading out of bounds.
 *
 * An entry is column << 1 | heavy: a character n-gram weighs 1, a word 2 (heavy).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)0)
#endif
#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif
#define AHEAD 16 /* tokens, bigrams or entries read ahead */

/* ---- Arrays from Python ----------------------------------------------------------------- */

#define MAX_ARRAYS 12

typedef struct {
    Py_buffer views[MAX_ARRAYS];
    int count;
} Held;

static void
release(Held *held)
{
    while (held->count > 0) {
        PyBuffer_Release(&held->views[--held->count]);
    }
}

/* Borrows obj's memory as a C-contiguous array of signed integers of the given size and
 * number of dimensions; its shape goes to shape[]. Returns -1 with an exception set. */
static int
take(Held *held, PyObject *obj, const char *name, Py_ssize_t itemsize, int ndim, int writable,
     void **data, Py_ssize_t *shape)
{
    Py_buffer *view = &held->views[held->count];
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (held->count == MAX_ARRAYS) {
        PyErr_SetString(PyExc_SystemError, "_featurecore: too many arrays");
        return -1;
    }
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        return -1;
    }
    held->count++;
    const char *format = view->format;
    if (format[0] == '@' || format[0] == '=') {
        format++; /* native byte order; numpy writes none */
    }
    if (view->ndim != ndim || view->itemsize != itemsize || format[0] == '\0' ||
        format[1] != '\0' || strchr("bhilq", format[0]) == NULL) {
        PyErr_Format(PyExc_ValueError,
                     "%s must be a C-contiguous %d-dimensional array of %zd-byte signed "
                     "integers",
                     name, ndim, itemsize);
        return -1;
    }
    *data = view->buf;
    for (int i = 0; i < ndim; i++) {
        shape[i] = view->shape[i];
    }
    return 0;
}

static PyObject *
invalid(const char *message)
{
    PyErr_SetString(PyExc_ValueError, message);
    return NULL;
}

/* ---- A row's squared length ------------------------------------------------------------
 * The sum over the row's cells (columns) of the squared summed weight of its entries there.
 * Entries of different tokens, bigrams and markers can share a cell, so the weights are summed
 * per column in a small open-addressing table (~150 entries per message: it stays in the L1
 * cache; an array of all 2^18 columns, 1 MB, made the same sums 2x slower, read from memory),
 * and the squared length grows by (a + w)^2 - a^2 = (2a + w) w as an entry of weight w joins
 * a cell holding a. */

typedef struct {
    /* A slot's row stamp << 32 | column: a slot of an earlier row (a smaller stamp) is empty,
     * so a row starts without clearing the table (memset was 590 instructions a message). */
    uint64_t *keys;
    int32_t *weights; /* a row has < 2^30 entries of weight <= 2 */
    Py_ssize_t capacity;
    Py_ssize_t mask; /* the slots in use: a power of two over twice the row's entries, - 1 */
    int shift;       /* 32 - log2(mask + 1) */
    uint64_t stamp;  /* the row's, << 32 */
} Cells;

/* The table for the next row, `entries` at most (its slots at most half full). */
static int
cells_empty(Cells *cells, Py_ssize_t entries)
{
    Py_ssize_t size = 64;
    int bits = 6;
    while (size < 2 * entries) {
        size *= 2;
        bits++;
    }
    if (size > cells->capacity) {
        PyMem_Free(cells->keys);
        PyMem_Free(cells->weights);
        cells->keys = PyMem_Calloc(size, sizeof(uint64_t)); /* stamp 0: empty */
        cells->weights = PyMem_Malloc(size * sizeof(int32_t));
        cells->capacity = size;
        if (cells->keys == NULL || cells->weights == NULL) {
            cells->capacity = 0;
            PyErr_NoMemory();
            return -1;
        }
    }
    cells->mask = size - 1;
    cells->shift = 32 - bits;
    cells->stamp += (uint64_t)1 << 32;
    return 0;
}

/* Adds an entry to its cell; returns what the row's squared length grows by. Inlined: a
 * call per entry cost a third of project_sums' instructions. */
static Py_ALWAYS_INLINE inline int64_t
cells_add(uint64_t *restrict keys, int32_t *restrict weights, int shift, Py_ssize_t mask,
          uint64_t stamp, int32_t column, int32_t weight)
{
    /* Fibonacci hashing: the columns are hashes already, but a test model's 64 columns would
     * otherwise fill runs of neighbouring slots. */
    Py_ssize_t slot = ((uint32_t)column * 2654435769u) >> shift;
    const uint64_t key = stamp | (uint32_t)column;
    int32_t before = 0;
    for (;;) {
        const uint64_t found = keys[slot];
        if (found == key) {
            before = weights[slot];
            break;
        }
        if (found < stamp) {
            keys[slot] = key;
            break;
        }
        slot = (slot + 1) & mask;
    }
    weights[slot] = before + weight;
    return (2 * (int64_t)before + weight) * weight;
}

/* Adds a token's entries to their cells; returns what the row's squared length grows by, or
 * -1 for an entry outside the weights' columns. A call per token, not inlined: inside
 * project_sums, with its many live values, the table's fields and the entry limit were kept
 * on the stack and loaded again for each entry (that loop 436 -> 397 M instructions over
 * the 60,000 benchmark messages, callgrind). */
static NOINLINE int64_t
cells_add_entries(uint64_t *restrict keys, int32_t *restrict weights, int shift,
                  Py_ssize_t mask, uint64_t stamp, const int32_t *entry, int64_t length,
                  uint32_t entry_limit)
{
    int64_t squared = 0;
    for (int64_t j = 0; j < length; j++) {
        if ((uint32_t)entry[j] >= entry_limit) { /* a negative one too */
            return -1;
        }
        squared += cells_add(keys, weights, shift, mask, stamp, entry[j] >> 1,
                             1 + (entry[j] & 1));
    }
    return squared;
}

/* ---- Sums of weight rows ------------------------------------------------------------------
 * `restrict`: the compiler may then add several heads at once (without it, it must assume
 * that a store to the sums changes the row it reads). Not inlined into project_sums: GCC 12
 * vectorises none of that function's loops (its 28 heads were added one by one, 144
 * instructions per token, 173 per bigram or marker; as calls, in 32-bit lanes, 66 and 65). */

static NOINLINE void
add_sums(int64_t *restrict total, const int32_t *restrict sums, Py_ssize_t heads)
{
    for (Py_ssize_t h = 0; h < heads; h++) {
        total[h] += sums[h];
    }
}

static NOINLINE void
add_weights(int64_t *restrict total, const int8_t *restrict row, int64_t weight, Py_ssize_t heads)
{
    for (Py_ssize_t h = 0; h < heads; h++) {
        total[h] += weight * row[h];
    }
}

/* A token's sums, kept modulo 2^32 as the token table stores them: adding an entry's row in
 * 32-bit lanes, shifted by one for a word (weight 2), vectorises without 64-bit widening or
 * multiplications. The shipped weight rows are padded to 32 bytes (textfeatures._padded_rows):
 * with that width known, the compiler adds whole rows (token_sums 180 -> 101 instructions per
 * entry, callgrind, where 64-bit lanes and a multiplication by the weight were used). */
#define PADDED_ROW 32

static inline void
add_row_padded(uint32_t *restrict total, const int8_t *restrict row, int shift)
{
    for (int h = 0; h < PADDED_ROW; h++) {
        total[h] += (uint32_t)(int32_t)row[h] << shift;
    }
}

static inline void
add_row(uint32_t *restrict total, const int8_t *restrict row, int shift, Py_ssize_t heads)
{
    for (Py_ssize_t h = 0; h < heads; h++) {
        total[h] += (uint32_t)(int32_t)row[h] << shift;
    }
}

static NOINLINE void
add_row_narrow(uint32_t *restrict total, const int8_t *restrict row)
{
    add_row_padded(total, row, 1);
}

#define NARROW_HEADS PADDED_ROW /* a narrow row's lanes (see project_sums) */

static NOINLINE void
add_lanes(uint32_t *restrict total, const uint32_t *restrict sums, Py_ssize_t heads)
{
    for (Py_ssize_t h = 0; h < heads; h++) {
        total[h] += sums[h];
    }
}

/* ---- project_sums ------------------------------------------------------------------------ */

PyDoc_STRVAR(project_sums_doc,
"project_sums(out, tokens, counts, token_sums, starts, lengths, entries, weights,\n"
"             bigram_rows, bigram_columns, marker_rows, marker_columns)\n"
"\n"
"Writes out[r, :heads] = the sums over row r's tokens of token_sums[t, :heads] plus 2 *\n"
"weights[c, :heads] for each bigram or marker column c of the row, and out[r, heads] = the\n"
"row's squared length: the sum over its cells of the squared summed weight of the entries\n"
"(token t's entries[starts[t]:starts[t] + lengths[t]], bigrams and markers weigh 2) in it.\n"
"Row r's tokens are the next counts[r] of tokens; bigram and marker rows ascend.");

static PyObject *
project_sums(PyObject *module, PyObject *args)
{
    PyObject *objects[12];
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOO:project_sums", &objects[0], &objects[1],
                          &objects[2], &objects[3], &objects[4], &objects[5], &objects[6],
                          &objects[7], &objects[8], &objects[9], &objects[10], &objects[11])) {
        return NULL;
    }
    Held held = {.count = 0};
    Cells cells = {0};
    int64_t *out, *tokens, *counts, *starts, *lengths, *extra_rows[2], *extra_columns[2];
    int32_t *token_sums, *entries;
    int8_t *weights;
    Py_ssize_t out_shape[2], n_tokens, n_counts, sums_shape[2], n_starts, n_lengths, n_entries,
        weights_shape[2], n_extra_rows[2], n_extra_columns[2];
    PyObject *result = NULL;
    if (take(&held, objects[0], "out", 8, 2, 1, (void **)&out, out_shape) < 0 ||
        take(&held, objects[1], "tokens", 8, 1, 0, (void **)&tokens, &n_tokens) < 0 ||
        take(&held, objects[2], "counts", 8, 1, 0, (void **)&counts, &n_counts) < 0 ||
        take(&held, objects[3], "token_sums", 4, 2, 0, (void **)&token_sums, sums_shape) < 0 ||
        take(&held, objects[4], "starts", 8, 1, 0, (void **)&starts, &n_starts) < 0 ||
        take(&held, objects[5], "lengths", 8, 1, 0, (void **)&lengths, &n_lengths) < 0 ||
        take(&held, objects[6], "entries", 4, 1, 0, (void **)&entries, &n_entries) < 0 ||
        take(&held, objects[7], "weights", 1, 2, 0, (void **)&weights, weights_shape) < 0 ||
        take(&held, objects[8], "bigram_rows", 8, 1, 0, (void **)&extra_rows[0],
             &n_extra_rows[0]) < 0 ||
        take(&held, objects[9], "bigram_columns", 8, 1, 0, (void **)&extra_columns[0],
             &n_extra_columns[0]) < 0 ||
        take(&held, objects[10], "marker_rows", 8, 1, 0, (void **)&extra_rows[1],
             &n_extra_rows[1]) < 0 ||
        take(&held, objects[11], "marker_columns", 8, 1, 0, (void **)&extra_columns[1],
             &n_extra_columns[1]) < 0) {
        goto done;
    }
    const Py_ssize_t n_rows = out_shape[0], width = out_shape[1], heads = width - 1;
    const Py_ssize_t n_table = sums_shape[0], n_features = weights_shape[0];
    if (n_counts != n_rows || sums_shape[1] != width || heads < 0 ||
        weights_shape[1] < heads || n_starts != n_table || n_lengths != n_table ||
        n_extra_rows[0] != n_extra_columns[0] || n_extra_rows[1] != n_extra_columns[1]) {
        invalid("project_sums: the arrays' shapes do not match");
        goto done;
    }
    if (n_features > INT32_MAX) {
        invalid("project_sums: more columns than 32-bit cells hold");
        goto done;
    }
    const uint32_t entry_limit = 2 * (uint32_t)n_features; /* column << 1 | heavy */
    /* Where the next token, bigram and marker of the rows start. */
    Py_ssize_t next = 0, next_extra[2] = {0, 0};
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        int64_t *row = out + r * width;
        memset(row, 0, width * sizeof(int64_t));
        if (counts[r] < 0 || counts[r] > n_tokens - next) {
            invalid("project_sums: counts must be >= 0 and add up to len(tokens)");
            goto done;
        }
        const Py_ssize_t end = next + (Py_ssize_t)counts[r];
        /* The row's entries at most, to size the table. */
        Py_ssize_t size = 0;
        int64_t sum_weights = 0; /* the tokens' squared weights, from the table */
        Py_ssize_t extras = 0;   /* bigrams and markers */
        for (Py_ssize_t i = next; i < end; i++) {
            const int64_t t = tokens[i];
            if (t < 0 || t >= n_table || starts[t] < 0 || lengths[t] < 0 ||
                lengths[t] > n_entries - starts[t]) {
                invalid("project_sums: a token outside the table, or entries outside theirs");
                goto done;
            }
            size += (Py_ssize_t)lengths[t];
            /* (unsigned: a negative one, not made by us, makes the row wide) */
            sum_weights += (uint32_t)token_sums[t * width + heads];
            /* The token table (~70,000 tokens, ~9 MB) is far larger than the caches, and the
             * loops below are too long for the processor to run ahead to the next tokens'
             * reads: asked for early (the entries once their start is known), they arrive
             * in parallel (project_sums 2.9-3.7 -> 2.3-2.7 us per message here; token_sums,
             * reading ahead in the weights, 2.2 -> 1.2). */
            for (int64_t j = 0; j < lengths[t]; j += 16) {
                PREFETCH(entries + starts[t] + j);
            }
            if (i + AHEAD < n_tokens && tokens[i + AHEAD] >= 0 && tokens[i + AHEAD] < n_table) {
                const int64_t later = tokens[i + AHEAD];
                PREFETCH(token_sums + later * width);
                PREFETCH(starts + later);
                PREFETCH(lengths + later);
            }
        }
        Py_ssize_t extra_end[2];
        for (int k = 0; k < 2; k++) {
            extra_end[k] = next_extra[k];
            while (extra_end[k] < n_extra_rows[k] && extra_rows[k][extra_end[k]] == r) {
                extra_end[k]++;
            }
            size += extra_end[k] - next_extra[k];
            extras += extra_end[k] - next_extra[k];
            for (Py_ssize_t i = next_extra[k]; i < extra_end[k]; i++) {
                /* Random rows of the 8 MB of weights, as the tokens' above. */
                const Py_ssize_t later = i + AHEAD;
                if (later < n_extra_rows[k] && extra_columns[k][later] >= 0 &&
                    extra_columns[k][later] < n_features) {
                    PREFETCH(weights + extra_columns[k][later] * weights_shape[1]);
                }
            }
        }
        if (size >= (Py_ssize_t)1 << 30) {
            invalid("project_sums: a row of more than 2^30 entries"); /* a cell's int32 */
            goto done;
        }
        if (cells_empty(&cells, size) < 0) {
            goto done;
        }
        uint64_t *const keys = cells.keys;
        int32_t *const slot_weights = cells.weights;
        const int shift = cells.shift;
        const Py_ssize_t mask = cells.mask;
        const uint64_t stamp = cells.stamp;
        /* Narrow: the row's head sums fit 32 bits, so they are added in 32-bit lanes modulo
         * 2^32 (as token_sums), without widening each to 64 bits, then sign-extended. The
         * bound is numpy's in _summed, per row: a token's sums are at most 128 times its
         * squared weights (the table's last column: an entry of weight w adds at most
         * 128 w <= 128 w^2 to a head), a bigram's or marker's 256. */
        const int narrow = heads <= NARROW_HEADS && weights_shape[1] == PADDED_ROW &&
                           sum_weights + 2 * (int64_t)extras < ((int64_t)1 << 31) / 128;
        uint32_t lanes[PADDED_ROW] = {0};
        int64_t squared = 0;
        for (Py_ssize_t i = next; i < end; i++) {
            const int64_t t = tokens[i];
            /* The token's head sums are in the table: the entries only count for the length. */
            if (narrow) {
                add_lanes(lanes, (const uint32_t *)token_sums + t * width, heads);
            }
            else {
                add_sums(row, token_sums + t * width, heads);
            }
            const int32_t *entry = entries + starts[t];
            const int64_t grown = cells_add_entries(keys, slot_weights, shift, mask, stamp,
                                                    entry, lengths[t], entry_limit);
            if (grown < 0) {
                invalid("project_sums: an entry's column is outside the weights");
                goto done;
            }
            squared += grown;
        }
        for (int k = 0; k < 2; k++) {
            for (Py_ssize_t i = next_extra[k]; i < extra_end[k]; i++) {
                const int64_t column = extra_columns[k][i];
                if (column < 0 || column >= n_features) {
                    invalid("project_sums: a bigram or marker column is outside the weights");
                    goto done;
                }
                if (narrow) {
                    add_row_narrow(lanes, weights + column * PADDED_ROW);
                }
                else {
                    add_weights(row, weights + column * weights_shape[1], 2, heads);
                }
                squared += cells_add(keys, slot_weights, shift, mask, stamp, (int32_t)column, 2);
            }
        }
        if (narrow) {
            for (Py_ssize_t h = 0; h < heads; h++) {
                row[h] = (int32_t)lanes[h];
            }
        }
        row[heads] = squared;
        next_extra[0] = extra_end[0];
        next_extra[1] = extra_end[1];
        next = end;
    }
    if (next != n_tokens) {
        invalid("project_sums: counts must add up to len(tokens)");
        goto done;
    }
    if (next_extra[0] != n_extra_rows[0] || next_extra[1] != n_extra_rows[1]) {
        invalid("project_sums: bigram and marker rows must ascend, each below len(counts)");
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(cells.keys);
    PyMem_Free(cells.weights);
    release(&held);
    return result;
}

/* ---- token_sums -------------------------------------------------------------------------- */

PyDoc_STRVAR(token_sums_doc,
"token_sums(out, entries, lengths, weights)\n"
"\n"
"For each token i, whose entries are the next lengths[i] of entries: writes out[i, :heads] =\n"
"the sum of its entries' weights (1, or 2 for a word) times their int8 weight rows, and\n"
"out[i, heads] = the sum of their squared weights. out holds int32, as the token table does:\n"
"the sums are made modulo 2^32 like numpy's int32 sums (a token would need ~8 million\n"
"entries to reach 2^31).");

static PyObject *
token_sums(PyObject *module, PyObject *args)
{
    PyObject *objects[4];
    if (!PyArg_ParseTuple(args, "OOOO:token_sums", &objects[0], &objects[1], &objects[2],
                          &objects[3])) {
        return NULL;
    }
    Held held = {.count = 0};
    int32_t *out, *entries;
    int64_t *lengths;
    uint32_t *totals = NULL;
    int8_t *weights;
    Py_ssize_t out_shape[2], n_entries, n_lengths, weights_shape[2];
    PyObject *result = NULL;
    if (take(&held, objects[0], "out", 4, 2, 1, (void **)&out, out_shape) < 0 ||
        take(&held, objects[1], "entries", 4, 1, 0, (void **)&entries, &n_entries) < 0 ||
        take(&held, objects[2], "lengths", 8, 1, 0, (void **)&lengths, &n_lengths) < 0 ||
        take(&held, objects[3], "weights", 1, 2, 0, (void **)&weights, weights_shape) < 0) {
        goto done;
    }
    const Py_ssize_t width = out_shape[1], heads = width - 1, n_features = weights_shape[0];
    if (n_lengths != out_shape[0] || heads < 0 || weights_shape[1] < heads) {
        invalid("token_sums: the arrays' shapes do not match");
        goto done;
    }
    const Py_ssize_t row_width = weights_shape[1];
    const int padded = row_width == PADDED_ROW;
    totals = PyMem_Calloc(padded ? PADDED_ROW : (heads > 0 ? heads : 1), sizeof(uint32_t));
    if (totals == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t next = 0;
    for (Py_ssize_t i = 0; i < n_lengths; i++) {
        if (lengths[i] < 0 || lengths[i] > n_entries - next) {
            invalid("token_sums: lengths must be >= 0 and add up to len(entries)");
            goto done;
        }
        memset(totals, 0, (padded ? PADDED_ROW : heads) * sizeof(uint32_t));
        uint32_t squared = 0;
        const Py_ssize_t end = next + (Py_ssize_t)lengths[i];
        for (Py_ssize_t j = next; j < end; j++) {
            /* Each entry reads a random row of the 8 MB of weights (a cache miss): read
             * ahead, as above, into the next tokens' entries too (a token has ~30). */
            if (j + AHEAD < n_entries && entries[j + AHEAD] >= 0 &&
                (entries[j + AHEAD] >> 1) < n_features) {
                PREFETCH(weights + (Py_ssize_t)(entries[j + AHEAD] >> 1) * row_width);
            }
            const int32_t column = entries[j] >> 1;
            if (entries[j] < 0 || column >= n_features) {
                invalid("token_sums: an entry's column is outside the weights");
                goto done;
            }
            const int heavy = entries[j] & 1;
            const int8_t *row = weights + (Py_ssize_t)column * row_width;
            if (padded) {
                add_row_padded(totals, row, heavy);
            }
            else {
                add_row(totals, row, heavy, heads);
            }
            squared += heavy ? 4 : 1;
        }
        memcpy(out + i * width, totals, heads * sizeof(int32_t));
        out[i * width + heads] = (int32_t)squared;
        next = end;
    }
    if (next != n_entries) {
        invalid("token_sums: lengths must add up to len(entries)");
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(totals);
    release(&held);
    return result;
}

/* ---- token_entries ------------------------------------------------------------------------
 * The entries of new tokens (Featuriser._add): numpy hashes every window of a batch's code
 * points for each n, keeps those inside one token, then sorts owner << (b + 1) | entry keys of
 * the whole batch to group them by token. Here each token is hashed, and its ~30 entries
 * sorted, on their own. The arithmetic is numpy's: uint64 wrapping like its uint64 arrays. */

#define PRIME 1099511628211ull  /* textfeatures._PRIME */
#define BIGRAM_MIX 1000003      /* textfeatures._BIGRAM_MIX */
#define INSERTION_SORT_MAX 48   /* longer runs (very long tokens) go to qsort */

static inline uint64_t
mix(uint64_t h) /* textfeatures._mix */
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 33);
}

static int
compare_entries(const void *a, const void *b)
{
    const int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static void
sort_entries(int32_t *entries, Py_ssize_t n)
{
    if (n > INSERTION_SORT_MAX) {
        qsort(entries, (size_t)n, sizeof(int32_t), compare_entries);
        return;
    }
    for (Py_ssize_t i = 1; i < n; i++) {
        const int32_t entry = entries[i];
        Py_ssize_t j = i;
        while (j > 0 && entries[j - 1] > entry) {
            entries[j] = entries[j - 1];
            j--;
        }
        entries[j] = entry;
    }
}

PyDoc_STRVAR(token_entries_doc,
"token_entries(entries, lengths, first, last, codes, sizes, word_ids, pieces, low, high,\n"
"              n_features) -> int\n"
"\n"
"For each token i, whose padded form \" token \" is the next sizes[i] + 2 of codes (code\n"
"points) and whose words are the next pieces[i] of word_ids (columns): writes its entries\n"
"(column << 1 | heavy), ascending, after the previous token's in entries, their number in\n"
"lengths[i], and its first and last word in first[i] and last[i] (-1: none). Its entries are\n"
"the hashed character n-grams of its padded form for n in [low, high] (weight 1), its words\n"
"and the bigrams of consecutive words (weight 2), as textfeatures hashes them. Returns the\n"
"number of entries written.");

static PyObject *
token_entries(PyObject *module, PyObject *args)
{
    PyObject *objects[8];
    Py_ssize_t low, high, n_features;
    if (!PyArg_ParseTuple(args, "OOOOOOOOnnn:token_entries", &objects[0], &objects[1],
                          &objects[2], &objects[3], &objects[4], &objects[5], &objects[6],
                          &objects[7], &low, &high, &n_features)) {
        return NULL;
    }
    Held held = {.count = 0};
    int32_t *entries, *codes;
    int64_t *lengths, *first, *last, *sizes, *word_ids, *pieces;
    Py_ssize_t capacity, n_lengths, n_first, n_last, n_codes, n_tokens, n_words, n_pieces;
    PyObject *result = NULL;
    if (take(&held, objects[0], "entries", 4, 1, 1, (void **)&entries, &capacity) < 0 ||
        take(&held, objects[1], "lengths", 8, 1, 1, (void **)&lengths, &n_lengths) < 0 ||
        take(&held, objects[2], "first", 8, 1, 1, (void **)&first, &n_first) < 0 ||
        take(&held, objects[3], "last", 8, 1, 1, (void **)&last, &n_last) < 0 ||
        take(&held, objects[4], "codes", 4, 1, 0, (void **)&codes, &n_codes) < 0 ||
        take(&held, objects[5], "sizes", 8, 1, 0, (void **)&sizes, &n_tokens) < 0 ||
        take(&held, objects[6], "word_ids", 8, 1, 0, (void **)&word_ids, &n_words) < 0 ||
        take(&held, objects[7], "pieces", 8, 1, 0, (void **)&pieces, &n_pieces) < 0) {
        goto done;
    }
    if (n_lengths != n_tokens || n_first != n_tokens || n_last != n_tokens ||
        n_pieces != n_tokens) {
        invalid("token_entries: the arrays' shapes do not match");
        goto done;
    }
    if (n_features < 1 || n_features > (Py_ssize_t)1 << 30) {
        invalid("token_entries: n_features must be in [1, 2^30] (entries are int32)");
        goto done;
    }
    const uint64_t columns = (uint64_t)n_features;
    const int masked = (columns & (columns - 1)) == 0; /* textfeatures._column */
    if (low < 1) {
        low = 1; /* n starts at 1 */
    }
    /* Where the next token's codes, words and entries start. */
    Py_ssize_t code = 0, word = 0, written = 0;
    for (Py_ssize_t i = 0; i < n_tokens; i++) {
        if (sizes[i] < 0 || sizes[i] > n_codes - 2 - code || pieces[i] < 0 ||
            pieces[i] > n_words - word) {
            invalid("token_entries: sizes and pieces must be >= 0, and fit codes and words");
            goto done;
        }
        const Py_ssize_t span = (Py_ssize_t)sizes[i] + 2, words = (Py_ssize_t)pieces[i];
        const Py_ssize_t top = high < span ? high : span; /* longer windows leave the token */
        /* Its entries: (span - n + 1) n-grams for each n, its words and their bigrams. */
        Py_ssize_t needed = words > 0 ? 2 * words - 1 : 0;
        for (Py_ssize_t n = low; n <= top; n++) {
            needed += span - n + 1;
        }
        if (needed > capacity - written) {
            invalid("token_entries: more entries than the array holds");
            goto done;
        }
        int32_t *out = entries + written;
        Py_ssize_t k = 0;
        const int32_t *padded = codes + code;
        for (Py_ssize_t start = 0; start + low <= span; start++) {
            /* The polynomial hash of the window of n codes from start grows with n; the salt
             * n * P^n follows it. */
            uint64_t hash = 0, power = 1;
            const Py_ssize_t longest = top < span - start ? top : span - start;
            for (Py_ssize_t n = 1; n <= longest; n++) {
                hash = hash * PRIME + (uint64_t)(uint32_t)padded[start + n - 1];
                power *= PRIME;
                if (n >= low) {
                    const uint64_t mixed = mix(hash + (uint64_t)n * power);
                    const uint64_t column = masked ? mixed & (columns - 1) : mixed % columns;
                    out[k++] = (int32_t)(column << 1);
                }
            }
        }
        const int64_t *ids = word_ids + word;
        for (Py_ssize_t w = 0; w < words; w++) {
            if (ids[w] < 0 || ids[w] >= n_features) {
                invalid("token_entries: a word id outside [0, n_features)");
                goto done;
            }
            out[k++] = (int32_t)(ids[w] << 1 | 1);
            if (w > 0) {
                /* < 2^30 * 1000003 + 2^30: no overflow. */
                const int64_t pair = ids[w - 1] * BIGRAM_MIX + ids[w];
                const int64_t column = masked ? pair & (n_features - 1) : pair % n_features;
                out[k++] = (int32_t)(column << 1 | 1);
            }
        }
        sort_entries(out, k);
        lengths[i] = k;
        first[i] = words > 0 ? ids[0] : -1;
        last[i] = words > 0 ? ids[words - 1] : -1;
        written += k;
        code += span;
        word += words;
    }
    if (code != n_codes || word != n_words) {
        invalid("token_entries: sizes must add up to the codes, pieces to the words");
        goto done;
    }
    result = PyLong_FromSsize_t(written);
done:
    release(&held);
    return result;
}

/* ---- The module -------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"project_sums", project_sums, METH_VARARGS, project_sums_doc},
    {"token_sums", token_sums, METH_VARARGS, token_sums_doc},
    {"token_entries", token_entries, METH_VARARGS, token_entries_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "calmdesk.engine._featurecore",
    .m_doc = "The learned models' integer sums over hashed entries (see textfeatures).",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__featurecore(void)
{
    return PyModule_Create(&module);
}
