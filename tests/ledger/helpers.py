from linli.ledger.services import account_open


def open_accounts(node, n=4, *, asset="CNY", prefix="T", no_negative=True, public=True):
    """A source account (equity, may go negative) and n wallets that may not."""
    source = account_open(code=f"{prefix}:source:{asset}", name="来源", kind="equity", node=node, asset=asset,
                          is_public=public)
    wallets = [
        account_open(code=f"{prefix}:w{i}:{asset}", name=f"钱包{i}", kind="asset", node=node, asset=asset,
                     no_negative=no_negative, is_public=public)
        for i in range(n)
    ]
    return source, wallets
