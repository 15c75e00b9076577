"""The provider conformance suite: the behaviour every provider shares, tested the same way.

A provider's tests subclass ``ProviderConformance`` and supply fixtures, in the style of
fsspec's abstract test suites::

    from driftplane.testing import ProviderConformance

    class TestAwsConformance(ProviderConformance):
        provider_name = "aws"
        implements = frozenset({"plan"})

        @pytest.fixture
        def provider(self): ...
        @pytest.fixture
        def spec(self): ...

Verbs a provider does not implement yet must say so plainly (NotAvailableYet, exit 2):
the suite checks that too, so nothing pretends to work.
"""

from driftplane.testing.conformance import ProviderConformance, sample_spec

__all__ = ["ProviderConformance", "sample_spec"]
