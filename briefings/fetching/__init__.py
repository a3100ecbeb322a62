"""The I/O edge: getting pages from the portal (or its bundled snapshot) politely.

Modules (import them directly; ``browser`` needs the optional extra ``playwright``):

    client     Fetcher, FetchResult, make_fetcher: one httpx client with rate limit, retries,
               deadline, size cap, conditional GET and allowed hosts
    snapshot   SnapshotTransport: the bundled site served at its real URLs
    decode     decode_body (pure): bytes -> text by header, <meta>, GB18030, detection
    challenge  is_challenge (pure): the portal's script-only 412/202 page
    archive    RawArchive: content-addressed bodies + WARC records (raw layer)
    browser    BrowserSolver, Clearance: headless Chromium for challenge pages (issue 6)
"""
