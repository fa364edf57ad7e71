"""Imports every model module so that Alembic and create_all see all tables."""

from .accounts.models import Organization, User  # noqa: F401
from .achievements.models import Achievement, Inventor, NdaRequest  # noqa: F401
from .api.tokens import PersonalAccessToken  # noqa: F401
from .bulk.models import BulkImport, BulkImportRow  # noqa: F401
from .challenges.models import (  # noqa: F401
    Challenge,
    ChallengeInvitation,
    ChallengeQuestion,
    Dissent,
    PanelOpinion,
    Proposal,
    ProposalVersion,
    Score,
    TieBreak,
)
from .contracts.models import (  # noqa: F401
    Contract,
    ContractRegistration,
    ContractSignature,
    ContractVersion,
)
from .core.audit import AuditEntry  # noqa: F401
from .core.mail_outbox import MailOutbox  # noqa: F401
from .dashboard.daily import DailyStat  # noqa: F401
from .dashboard.events import MatchView  # noqa: F401
from .dashboard.targets import KpiTarget  # noqa: F401
from .deals.models import BrokerConflict, Deal, DealEvent, DealMessage  # noqa: F401
from .deals.pricing.models import (  # noqa: F401
    Auction,
    AuctionBidder,
    Bid,
    Objection,
    PublicNotice,
)
from .evaluation.models import Evaluation, Valuation  # noqa: F401
from .experts.models import ExpertProfile, ExpertTie, Panel, PanelMember  # noqa: F401
from .firms.models import (  # noqa: F401
    Checkup,
    OutreachEntry,
    RosterFirm,
    RosterImport,
)
from .firms.models_digest import DigestNote, DigestSubscription  # noqa: F401
from .firms.models_events import (  # noqa: F401
    Event,
    EventLot,
    EventMeeting,
    EventRegistration,
)
from .firms.models_finance import (  # noqa: F401
    FinanceInstitution,
    FinanceProduct,
    FinancingOffer,
    FinancingRequest,
)
from .legal.models import LegalText  # noqa: F401
from .needs.models import Need, NeedTranslation  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .payments.models import (  # noqa: F401
    BankTransfer,
    FeeSchedule,
    LedgerEntry,
    PaymentRequest,
    StripeEvent,
    StripeIntent,
)
from .search.models import (  # noqa: F401
    ListingMatch,
    SavedSearch,
    SearchNodeCursor,
    SearchOutbox,
)
from .services.models import (  # noqa: F401
    Accreditation,
    Booking,
    Instrument,
    InstrumentClosure,
    InstrumentTraining,
    Offering,
    Provider,
    ServiceOrder,
)
from .uploads.models import Attachment  # noqa: F401
from .vouchers.models import (  # noqa: F401
    EligibleProvider,
    QuotaApplication,
    Voucher,
    VoucherClaim,
    VoucherRedemption,
)
