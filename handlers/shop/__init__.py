"""The reward shop: items bought with points, stock, private codes and manual fulfilment."""

from handlers.feature import Feature, Hooks
from handlers.settings import ConfigSection
from handlers.shop import _digest as digest
from handlers.shop._commands import commands
from handlers.shop._ports import SHOP
from handlers.shop._settings import ShopConfig
from handlers.shop._shop import Shop, build, sync_configured

FEATURE: Feature[Shop] = Feature(
    name="shop",
    build=build,
    sections=(ConfigSection("shop", ShopConfig),),
    requires=("members", "points"),
    repositories=(SHOP,),
    commands=commands,
    hooks=Hooks(start=(sync_configured,), digest=(digest.week,)),
)
